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
});
