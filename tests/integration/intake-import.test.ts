import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { ROOT, TMP } from "../support/databases.ts";
import { rawFlag, starterLabels } from "../support/queue-fixtures.ts";

function runImport(file: string, ...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts/import.ts"), file, ...args], {
    cwd: ROOT,
    env: { ...process.env },
    encoding: "utf8",
  });
}

describe("npm run import", () => {
  it("loads a JSONL file through intake, reports refused lines by number and reason, and adds nothing twice", async () => {
    await starterLabels();
    const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify(rawFlag({ content: { externalId: `imp-${i}` }, flag: { externalId: `impf-${i}` } })));
    lines.splice(4, 0, "{not json");
    lines.splice(9, 0, JSON.stringify(rawFlag({ flag: { source: "rumour" } })));
    lines.splice(12, 0, "");
    const file = path.join(TMP, `import-${process.pid}.jsonl`);
    writeFileSync(file, lines.join("\n") + "\n");

    const first = runImport(file, "--platform", "imported", "--batch", "7");
    expect(first.status).toBe(2);
    expect(first.stdout).toContain("taken:          30 flag(s), 30 new item(s)");
    expect(first.stdout).toContain("refused:        2 line(s)");
    expect(first.stdout).toContain("line 5: not valid JSON");
    expect(first.stdout).toMatch(/line 10: flag\.source: flag\.source must be one of/);
    expect(await db.item.count({ where: { platform: "imported" } })).toBe(30);
    expect(await db.flag.count({ where: { platform: "imported" } })).toBe(30);
    const events = await db.auditEvent.findMany({ where: { action: "flag.batch_received" } });
    expect(events.length).toBe(5);
    expect(events.reduce((n, e) => n + JSON.parse(e.payload).refused, 0)).toBe(2);

    const again = runImport(file, "--platform", "imported");
    expect(again.stdout).toContain("taken:          0 flag(s)");
    expect(again.stdout).toContain("already known:  30 flag(s)");
    expect(await db.flag.count({ where: { platform: "imported" } })).toBe(30);

    expect(runImport(path.join(TMP, "missing.jsonl")).status).toBe(1);
  });

  it("refuses, by line, content ids that are not well-formed Unicode, however often they recur, and takes the rest", async () => {
    await starterLabels();
    const broken = (n: number) => JSON.stringify(rawFlag({ content: { externalId: "rs\udc00" }, flag: { externalId: `broken-${n}` } }));
    const good = (n: number) => JSON.stringify(rawFlag({ content: { externalId: `uni-${n}` } }));
    const lines = [good(1), broken(1), good(2), good(3), good(4), broken(2), good(5), broken(1)];
    const file = path.join(TMP, `import-unicode-${process.pid}.jsonl`);
    writeFileSync(file, lines.join("\n") + "\n");

    // Small batches, so the same content id arrives again in a later transaction.
    const run = runImport(file, "--platform", "unicode", "--batch", "2");
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(2);
    expect(run.stdout).toContain("taken:          5 flag(s), 5 new item(s)");
    expect(run.stdout).toContain("refused:        3 line(s)");
    for (const line of [2, 6, 8]) expect(run.stdout).toMatch(new RegExp(`line ${line}: content\\.externalId: content\\.externalId is not well-formed Unicode`));
    expect(await db.item.count({ where: { platform: "unicode" } })).toBe(5);
  });
});
