import { describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { HISTORY_PREFIX } from "~/demo/history.server.ts";
import { loadDemo } from "~/demo/load.server.ts";
import { DISPUTE_SETTLEMENT_NOTICE } from "~/modules/appeals/answer.ts";
import { claimAppealOrWhy, claimNextAppeal } from "~/modules/appeals/claims.server.ts";
import { windowEnd } from "~/modules/appeals/standing.ts";
import { verifyChain } from "~/modules/audit/verify.server.ts";
import { decisionFeed } from "~/modules/decisions/feed.server.ts";

const tally = async () => ({
  appeals: await db.appeal.count(),
  decisions: await db.decision.count(),
  items: await db.item.count(),
  flags: await db.flag.count(),
  audit: await db.auditEvent.count(),
});

describe("demo appeals", () => {
  it(
    "load appeals by authors and notifiers with every outcome, two open (one overdue), a letter and a refused late one, once",
    { timeout: 180_000 },
    async () => {
      const summary = await loadDemo();
      expect(summary).toMatch(/7 appeals added \(2 open, 2 upheld, 2 overturned, 1 modified\)/);
      expect(summary).toMatch(/1 appeal outside the window refused \(out_of_window\)/);

      // This step's appeals; the thirty days of history before it have answered appeals of their own.
      const appeals = await db.appeal.findMany({
        where: { platform: "demo", NOT: { externalId: { startsWith: HISTORY_PREFIX } } },
        include: { decision: true, item: { include: { flags: true, decisions: { orderBy: { seq: "asc" } } } } },
      });
      const byId = new Map(appeals.map((a) => [a.externalId, a]));
      expect([...byId.keys()].sort()).toEqual([
        "demo-appeal-001",
        "demo-appeal-002",
        "demo-appeal-003",
        "demo-appeal-004",
        "demo-appeal-006",
        "demo-appeal-007",
        "recorded:DEMO-LETTER-0001",
      ]);
      const expected: Record<string, { role: string; against: string; state: string; outcome: string | null; newAction?: string }> = {
        "demo-appeal-001": { role: "content_author", against: "remove", state: "decided", outcome: "upheld" },
        "demo-appeal-002": { role: "content_author", against: "restrict", state: "decided", outcome: "overturned", newAction: "keep" },
        "demo-appeal-003": { role: "notifier", against: "keep", state: "decided", outcome: "overturned", newAction: "restrict" },
        "demo-appeal-004": { role: "notifier", against: "keep", state: "decided", outcome: "modified", newAction: "keep" },
        "recorded:DEMO-LETTER-0001": { role: "notifier", against: "keep", state: "decided", outcome: "upheld" },
        "demo-appeal-006": { role: "content_author", against: "remove", state: "open", outcome: null },
        "demo-appeal-007": { role: "content_author", against: "remove", state: "open", outcome: null },
      };
      const people = await db.user.findMany({ select: { id: true, name: true, email: true } });
      const now = Date.now();
      for (const [externalId, want] of Object.entries(expected)) {
        const a = byId.get(externalId)!;
        expect({ role: a.appellantRole, against: a.decision.action, state: a.state, outcome: a.outcome }, externalId).toEqual({
          role: want.role,
          against: want.against,
          state: want.state,
          outcome: want.outcome,
        });
        expect(a.queueId, externalId).toBe("queue-appeals");
        // Standing: the author of the content, or someone who had sent a notice about it before the decision.
        if (a.appellantRole === "content_author") expect(a.appellantId).toBe(a.item.authorExternalId);
        else
          expect(
            a.item.flags.some((f) => f.reporterId === a.appellantId && f.createdAt <= a.decision.createdAt),
            externalId,
          ).toBe(true);
        expect(a.receivedAt.getTime()).toBeGreaterThanOrEqual(a.decision.createdAt.getTime());

        if (a.state === "open") {
          expect(a.item.state, externalId).toBe("appealed");
          expect(a.claimedById).toBeNull();
          continue;
        }
        expect(a.item.state, externalId).toBe("decided");
        // Reviewed by someone who never decided the item; the only decision of theirs is the one the appeal wrote.
        expect(a.item.decisions.filter((d) => d.userId === a.decidedById).map((d) => d.id)).toEqual(a.newDecisionId ? [a.newDecisionId] : []);
        expect(a.answer).toContain(DISPUTE_SETTLEMENT_NOTICE);
        for (const p of people) {
          expect(a.answer!.includes(p.name), `${externalId} names ${p.name}`).toBe(false);
          expect(a.answer!.includes(p.email)).toBe(false);
        }
        if (want.newAction) {
          const replacement = a.item.decisions.find((d) => d.id === a.newDecisionId)!;
          expect(replacement).toMatchObject({ action: want.newAction, supersedesId: a.decisionId, appealId: a.id });
        } else {
          expect(a.newDecisionId).toBeNull();
        }
      }

      // The letter was recorded by the lead; the rest came through the demo platform's API key.
      const lead = await db.user.findUniqueOrThrow({ where: { email: "lead@docket.test" } });
      expect(byId.get("recorded:DEMO-LETTER-0001")).toMatchObject({ channel: "letter", recordedById: lead.id, apiKeyId: null });
      expect(appeals.filter((a) => a.channel === "api").every((a) => a.apiKeyId !== null && a.recordedById === null)).toBe(true);

      // One open appeal is past its deadline, the other is not.
      const overdue = byId.get("demo-appeal-007")!;
      expect(overdue.dueAt.getTime()).toBeLessThan(now);
      expect(overdue.dueAt.getTime() - overdue.receivedAt.getTime()).toBe(336 * 3_600_000);
      expect(byId.get("demo-appeal-006")!.dueAt.getTime()).toBeGreaterThan(now);

      // The decisions feed carries the reversals with the decision they supersede, the history's and
      // today's (quality corrections supersede some too, without an appeal).
      const feed = await decisionFeed("demo", 0, 1000);
      expect(feed.decisions.length).toBeLessThan(1000);
      const superseding = feed.decisions.filter((d) => d.supersedes && d.appealId);
      const reversedOnAppeal = await db.appeal.findMany({ where: { platform: "demo", newDecisionId: { not: null } }, select: { decisionId: true } });
      expect(reversedOnAppeal.length).toBeGreaterThan(appeals.filter((a) => a.newDecisionId).length);
      expect(superseding.map((d) => d.supersedes).sort()).toEqual(reversedOnAppeal.map((a) => a.decisionId).sort());

      // The late appeal was refused: its removal is older than the window and nothing was written for it.
      const late = await db.item.findUniqueOrThrow({
        where: { platform_externalId: { platform: "demo", externalId: "demo-appeal-post-2" } },
        include: { decisions: true },
      });
      expect(late.decisions).toHaveLength(1);
      expect(windowEnd(late.decisions[0].createdAt, 6).getTime()).toBeLessThan(now);
      expect(await db.appeal.count({ where: { itemId: late.id } })).toBe(0);
      expect(await db.appeal.count({ where: { externalId: "demo-appeal-late-001" } })).toBe(0);
      expect(late.state).toBe("decided");

      // Loading again adds nothing and writes nothing.
      const before = await tally();
      const again = await loadDemo();
      expect(again).toMatch(/appeals already present, none added \(2 open, 2 upheld, 2 overturned, 1 modified\)/);
      expect(again).toMatch(/refused \(out_of_window\)/);
      expect(await tally()).toEqual(before);
      expect((await verifyChain()).ok).toBe(true);

      // A moderator can claim the open ones (the overdue one first), but not one whose decision they made.
      const moderators = await db.user.findMany({ where: { email: { in: ["mod1@docket.test", "mod2@docket.test"] } } });
      const decider = moderators.find((m) => m.id === overdue.decision.userId)!;
      const other = moderators.find((m) => m.id !== overdue.decision.userId)!;
      expect(await claimAppealOrWhy(decider, overdue.id)).toEqual({ refused: "took_part" });
      expect((await claimNextAppeal(other))?.appealId).toBe(overdue.id);
    },
  );
});
