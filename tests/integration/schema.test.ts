import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { db, dialect } from "~/db.server.ts";
import { ROOT } from "../support/databases.ts";

const models = readFileSync(path.join(ROOT, "prisma/models.prisma"), "utf8");

/** The scalar columns each model declares, read from prisma/models.prisma. */
function declaredColumns(): Map<string, { name: string; optional: boolean }[]> {
  const enums = new Set([...models.matchAll(/^enum (\w+) \{/gm)].map((m) => m[1]));
  const modelNames = new Set([...models.matchAll(/^model (\w+) \{/gm)].map((m) => m[1]));
  const scalars = new Set(["String", "Int", "Boolean", "DateTime", "Float", "BigInt", "Json", ...enums]);
  const result = new Map<string, { name: string; optional: boolean }[]>();
  for (const block of models.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    const columns = [];
    for (const line of block[2].split("\n")) {
      const m = /^\s+(\w+)\s+(\w+)(\[\])?(\?)?/.exec(line);
      if (!m || line.trim().startsWith("//") || line.trim().startsWith("@@")) continue;
      const [, name, type, list, optional] = m;
      if (list || modelNames.has(type) || !scalars.has(type)) continue;
      columns.push({ name, optional: Boolean(optional) });
    }
    result.set(block[1], columns);
  }
  return result;
}

async function actualColumns(table: string): Promise<{ name: string; optional: boolean }[]> {
  if (dialect === "sqlite") {
    const rows = await db.$queryRawUnsafe<{ name: string; notnull: number | bigint; pk: number | bigint }[]>(`PRAGMA table_info("${table}")`);
    return rows.map((r) => ({ name: r.name, optional: Number(r.notnull) === 0 && Number(r.pk) === 0 }));
  }
  const rows = await db.$queryRaw<{ column_name: string; is_nullable: string }[]>`
    SELECT column_name, is_nullable FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ${table}`;
  return rows.map((r) => ({ name: r.column_name, optional: r.is_nullable === "YES" }));
}

describe("the schema", () => {
  it("the migrations create exactly the columns prisma/models.prisma declares, with the same nullability", async () => {
    const mismatches: string[] = [];
    for (const [model, columns] of declaredColumns()) {
      const actual = await actualColumns(model);
      const sort = (c: { name: string; optional: boolean }[]) => [...c].sort((a, b) => a.name.localeCompare(b.name));
      if (JSON.stringify(sort(actual)) !== JSON.stringify(sort(columns))) {
        mismatches.push(`${model}: declared ${JSON.stringify(sort(columns))}\n  migrated ${JSON.stringify(sort(actual))}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("both provider schemas carry the shared model block unchanged", () => {
    for (const provider of ["sqlite", "postgresql"]) {
      const schema = readFileSync(path.join(ROOT, `prisma/${provider}/schema.prisma`), "utf8");
      expect(schema.endsWith(models), `${provider} schema is out of date: run node scripts/sync-schemas.mjs`).toBe(true);
      expect(schema).toContain(`provider = "${provider}"`);
    }
  });

  it("the audit log refuses updates and deletes", async () => {
    await db.$transaction(async (tx) => {
      const { appendAuditEvent } = await import("~/modules/audit/writer.server.ts");
      await appendAuditEvent(tx, {
        actor: { kind: "system", name: "test" },
        action: "user.preference_changed",
        subjectType: "test",
        payload: { revealMedia: false },
      });
    });
    await expect(db.$executeRawUnsafe(`UPDATE "AuditEvent" SET "payload" = '{}'`)).rejects.toThrow(/append-only/);
    await expect(db.$executeRawUnsafe(`DELETE FROM "AuditEvent"`)).rejects.toThrow(/append-only/);
    expect(await db.auditEvent.count()).toBe(1);
  });

  it("a label set can never have two published versions", async () => {
    await db.labelSet.create({ data: { id: "set-1", key: "k", name: "K" } });
    await db.labelSetVersion.create({ data: { id: "v1", labelSetId: "set-1", number: 1, status: "published" } });
    await expect(db.labelSetVersion.create({ data: { id: "v2", labelSetId: "set-1", number: 2, status: "published" } })).rejects.toThrow();
  });
});
