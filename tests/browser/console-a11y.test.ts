import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { liveLabelSetsForReason } from "~/modules/labels/live.server.ts";
import { saveSamplingRule } from "~/modules/quality/sampling-rules.server.ts";
import { claimItem } from "~/modules/queue/claims.server.ts";
import { loadDemo } from "~/demo/load.server.ts";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~/demo/accounts.server.ts";
import { NAV } from "~/components/nav.ts";
import { can } from "~/modules/auth/capabilities.ts";
import { loginInBrowser, openBrowser, seriousA11yViolations } from "../support/browser.ts";
import { ROUTE_PARAM_SAMPLES } from "../support/route-params.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
let browser: Awaited<ReturnType<typeof openBrowser>>;

beforeAll(async () => {
  await loadDemo();
  server = await startServer();
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("every page of the console, as each role sees it", () => {
  for (const role of ["moderator", "policy_lead", "auditor", "admin"] as const) {
    it(`has no serious accessibility findings and no script errors for a ${role}`, async () => {
      const account = DEMO_ACCOUNTS.find((a) => a.role === role)!;
      const { page, context } = browser;
      await context.clearCookies();
      const errors: string[] = [];
      const onError = (e: Error) => errors.push(e.message);
      page.on("pageerror", onError);
      await loginInBrowser(page, server.url, account.email, DEMO_PASSWORD);
      const findings: { path: string; violations: unknown[] }[] = [];
      for (const entry of NAV.filter((n) => can(role, n.capability))) {
        await page.goto(server.url + entry.to);
        await page.getByRole("navigation", { name: "Main" }).waitFor();
        const violations = await seriousA11yViolations(page);
        if (violations.length > 0) findings.push({ path: entry.to, violations });
      }
      page.off("pageerror", onError);
      expect(findings).toEqual([]);
      expect(errors).toEqual([]);
    });
  }
});

describe("the appeal pages beyond the menu", () => {
  // The list is in the menu; the appeal itself, the record form and the templates are reached from it.
  const PAGES = {
    moderator: (appealId: string) => [`/appeals/${appealId}`],
    policy_lead: (appealId: string) => [`/appeals/${appealId}`, "/appeals/new", "/appeals/templates", "/appeals?show=all"],
    auditor: (appealId: string) => [`/appeals/${appealId}`],
  } as const;
  for (const role of ["moderator", "policy_lead", "auditor"] as const) {
    it(`have no serious accessibility findings for a ${role}`, async () => {
      const appealId = (await ROUTE_PARAM_SAMPLES.appealId())!;
      const account = DEMO_ACCOUNTS.find((a) => a.role === role)!;
      const { page, context } = browser;
      await context.clearCookies();
      await loginInBrowser(page, server.url, account.email, DEMO_PASSWORD);
      const findings: { path: string; violations: unknown[] }[] = [];
      for (const path of PAGES[role](appealId)) {
        const res = await page.goto(server.url + path);
        expect(res?.status(), path).toBe(200);
        await page.getByRole("navigation", { name: "Main" }).waitFor();
        const violations = await seriousA11yViolations(page);
        if (violations.length > 0) findings.push({ path, violations });
      }
      expect(findings).toEqual([]);
    });
  }
});

/**
 * A quality review the demo moderator may open and the lead may rule on: the route matrix's sample
 * when the demo's sampling drew one; otherwise the other demo moderator decides a waiting item of a
 * queue the two share, under a rule the lead sets to sample all of their decisions (then pauses).
 */
async function reviewForDemoModerator(): Promise<string> {
  const sampled = await ROUTE_PARAM_SAMPLES.reviewId();
  if (sampled) return sampled;
  const [moderator, other] = DEMO_ACCOUNTS.filter((a) => a.role === "moderator");
  const leadAccount = DEMO_ACCOUNTS.find((a) => a.role === "policy_lead")!;
  const [mod, decider, lead] = await Promise.all(
    [moderator!, other!, leadAccount].map((a) => db.user.findUniqueOrThrow({ where: { email: a.email }, select: { id: true, email: true, role: true } })),
  );
  const shared = await db.queue.findMany({
    where: { deletedAt: null, AND: [mod!.id, decider!.id].map((userId) => ({ members: { some: { userId } } })) },
    select: { id: true },
  });
  const item = await db.item.findFirstOrThrow({
    where: {
      state: "pending",
      claimId: null,
      queueId: { in: shared.map((q) => q.id) },
      decisions: { none: { userId: { in: [mod!.id, lead!.id] } } },
    },
    orderBy: { firstFlaggedAt: "asc" },
    select: { id: true, topReason: true },
  });
  const leadActor = { kind: "user" as const, ...lead! };
  const rule = { queueId: null, labelSetId: null, moderatorId: decider!.id, percent: 100, minPerWeek: 0, quotaKeep: 0, quotaRemove: 0, quotaRestrict: 0 };
  const ruleId = await saveSamplingRule(leadActor, { name: "Accessibility check: every decision of one moderator", ...rule, active: true });
  const claim = await claimItem(decider!, item.id);
  if (!claim) throw new Error(`the demo moderator could not take item ${item.id}`);
  const allowed = (await liveLabelSetsForReason(item.topReason)).flatMap((s) => s.labels).find((l) => l.group === "allowed")!;
  const { decisionId } = await decide(decider!, {
    itemId: item.id,
    claimId: claim.claimId,
    action: "keep",
    labelIds: [allowed.id],
    rationale: "Reporting on the fictional group (accessibility check).",
  });
  await saveSamplingRule(leadActor, { name: "Accessibility check: every decision of one moderator", ...rule, active: false }, ruleId);
  return (await db.qualityReview.findUniqueOrThrow({ where: { decisionId }, select: { id: true } })).id;
}

describe("the quality pages beyond the menu", () => {
  // /quality is in the menu; the review, calibration, adjudication, agreement and care pages are reached from it.
  type Ids = { reviewId: string; calibrationId: string; answerId: string };
  const PAGES = {
    moderator: (ids: Ids) => ["/quality", `/quality/reviews/${ids.reviewId}`, "/quality/calibration/mine", `/quality/calibration/answers/${ids.answerId}`],
    policy_lead: (ids: Ids) => [
      "/quality",
      "/quality/sampling",
      "/quality/settings",
      "/quality/calibration",
      "/quality/calibration/new",
      `/quality/calibration/${ids.calibrationId}`,
      `/quality/adjudications/${ids.reviewId}`,
      "/quality/agreement",
      "/quality/care",
    ],
    auditor: () => ["/quality", "/quality/agreement"],
  } as const;
  for (const role of ["moderator", "policy_lead", "auditor"] as const) {
    it(`have no serious accessibility findings and no script errors for a ${role}`, async () => {
      const ids: Ids = {
        reviewId: await reviewForDemoModerator(),
        calibrationId: (await ROUTE_PARAM_SAMPLES.calibrationId())!,
        answerId: (await ROUTE_PARAM_SAMPLES.answerId())!,
      };
      expect(ids).toEqual({ reviewId: expect.any(String), calibrationId: expect.any(String), answerId: expect.any(String) });
      const account = DEMO_ACCOUNTS.find((a) => a.role === role)!;
      const { page, context } = browser;
      await context.clearCookies();
      const errors: string[] = [];
      const onError = (e: Error) => errors.push(e.message);
      page.on("pageerror", onError);
      await loginInBrowser(page, server.url, account.email, DEMO_PASSWORD);
      const findings: { path: string; violations: unknown[] }[] = [];
      for (const path of PAGES[role](ids)) {
        const res = await page.goto(server.url + path);
        expect(res?.status(), path).toBe(200);
        await page.getByRole("navigation", { name: "Main" }).waitFor();
        const violations = await seriousA11yViolations(page);
        if (violations.length > 0) findings.push({ path, violations });
      }
      page.off("pageerror", onError);
      expect(findings).toEqual([]);
      expect(errors).toEqual([]);
    });
  }
});
