import { describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { ensureDemoAccounts } from "~/demo/accounts.server.ts";
import { loadDemoLabelEdit, loadDemoLabelSets } from "~/demo/labels.server.ts";
import { liveLabelSets } from "~/modules/labels/live.server.ts";

describe("demo label sets", () => {
  it("load the starter set as version 1, then the lead's version 2 with a change note; running again adds nothing", async () => {
    await ensureDemoAccounts();
    await loadDemoLabelSets();
    const v1 = (await liveLabelSets())[0];
    expect(v1.versionNumber).toBe(1);
    await loadDemoLabelEdit();
    const events = await db.auditEvent.count();
    const versions = await db.labelSetVersion.count();
    expect(await loadDemoLabelSets()).toContain("already");
    expect(await loadDemoLabelEdit()).toContain("already");
    expect(await db.auditEvent.count()).toBe(events);
    expect(await db.labelSetVersion.count()).toBe(versions);

    const [live] = await liveLabelSets();
    expect(live.versionNumber).toBe(2);
    const v2 = await db.labelSetVersion.findUniqueOrThrow({ where: { id: live.versionId } });
    const lead = await db.user.findUniqueOrThrow({ where: { email: "lead@docket.test" } });
    expect(v2.publishedById).toBe(lead.id);
    expect(v2.changeNote).toMatch(/headline alone/);
    const before = v1.labels.find((l) => l.key === "ve_news_reporting")!;
    const after = live.labels.find((l) => l.key === "ve_news_reporting")!;
    expect(after.notWhen).not.toBe(before.notWhen);
    expect((await db.label.findUniqueOrThrow({ where: { id: before.id } })).notWhen).toBe(before.notWhen);
  });
});
