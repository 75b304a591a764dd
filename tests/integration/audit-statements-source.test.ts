import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { exportStream } from "~/modules/audit/export.server.ts";
import { SOURCE_TYPE, type StatementOfReasons } from "~/modules/audit/statement-of-reasons.ts";
import { ingestFlags } from "~/modules/intake/ingest.server.ts";
import { claimItem } from "~/modules/queue/claims.server.ts";
import { makeUser } from "../support/fixtures.ts";
import { flagRequest, starterLabels, testSender } from "../support/queue-fixtures.ts";

// Flags about one item, in the order they arrive. The pairs come in both orders: the strongest
// source must not depend on which arrived first.
const ARRIVALS = [
  ["authority_referral", "trusted_flagger"],
  ["trusted_flagger", "authority_referral"],
  ["user_report", "automated"],
  ["automated", "user_report"],
  ["user_report", "removal_order"],
  ["automated", "authority_referral", "user_report"],
] as const;

let glorification: string;
beforeAll(async () => {
  await starterLabels();
  glorification = (await db.label.findFirstOrThrow({ where: { key: "ve_glorification", version: { status: "published" } } })).id;
});

describe("the source a statement of reasons reports", () => {
  it("is the item's strongest source, whatever order its flags arrived in", async () => {
    const from = new Date(Date.now() - 1000);
    const moderator = await makeUser("moderator");
    const items: { itemId: string; decisionId: string }[] = [];
    for (const [n, sources] of ARRIVALS.entries()) {
      const externalId = `source-rank-${n}-${Date.now()}`;
      let itemId = "";
      for (const [i, source] of sources.entries()) {
        const receivedAt = new Date(Date.now() - (sources.length - i) * 60_000).toISOString();
        const [r] = await ingestFlags(
          testSender,
          [flagRequest({ content: { externalId }, flag: { source, receivedAt, reference: `REF-${n}-${i}` } })],
          "single",
        );
        itemId = r.itemId;
      }
      const claim = (await claimItem(moderator, itemId))!;
      const { decisionId } = await decide(moderator, {
        itemId,
        claimId: claim.claimId,
        action: "remove",
        labelIds: [glorification],
        rationale: "Praises a fictional group.",
      });
      items.push({ itemId, decisionId });
    }
    const text = await new Response(exportStream("statements", "jsonl", { from, to: new Date(Date.now() + 60_000) })).text();
    const statements = text
      .split("\n")
      .filter(Boolean)
      .flatMap((l) => (JSON.parse(l) as { statements: StatementOfReasons[] }).statements);
    const byPuid = new Map(statements.map((s) => [s.puid, s]));
    const reported = [];
    for (const { itemId, decisionId } of items) {
      const item = await db.item.findUniqueOrThrow({ where: { id: itemId } });
      const statement = byPuid.get(`docket-${decisionId}`)!;
      reported.push({ strongest: item.strongestSource, sourceType: statement.source_type, expected: SOURCE_TYPE[item.strongestSource] });
    }
    for (const r of reported) expect(r.sourceType, JSON.stringify(r)).toBe(r.expected);
    expect(reported.map((r) => r.strongest)).toEqual([
      "trusted_flagger",
      "trusted_flagger",
      "user_report",
      "user_report",
      "removal_order",
      "authority_referral",
    ]);
  });
});
