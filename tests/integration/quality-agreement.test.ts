// The agreement page and its CSV over HTTP, on a fixed fixture of 24 double-reviewed pairs whose
// figures were computed by hand (Cohen's kappa, the Fleiss-Cohen-Everitt standard error, 95%
// interval): who may read them, the figures to three decimals, the confusion matrix, the guidance
// marks with their link into the draft editor, and no reviewer named anywhere.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { userActor } from "~/modules/auth/actor.ts";
import { newId } from "~/modules/ids.ts";
import { startDraft } from "~/modules/labels/editor.server.ts";
import { makeDecision } from "../support/audit-fixtures.ts";
import { makeReviewedPair, type ReviewSide } from "../support/agreement.ts";
import { makeUser, PASSWORD } from "../support/fixtures.ts";
import { Client, markupText as html } from "../support/http.ts";
import { startServer, type RunningServer } from "../support/server.ts";
import { csvObjects as parseCsv } from "../support/csv.ts";

const G = "ve_glorification";
const N = "ve_news_reporting";
const P = "ve_propaganda_distribution";
const R = "ve_representation";
const C = "ve_condemnation";

type Side = ReviewSide;
type PairSpec = { first: Side; second: Side; month: "2025-01" | "2025-02"; state: "agreed" | "disagreed" | "adjudicated" };
const spec = (first: Side, second: Side, month: PairSpec["month"], state: PairSpec["state"]): PairSpec => ({ first, second, month, state });

// The fixture. Hand-computed (by the formulas in docs/decisions/037-agreement-statistics.md):
//   action: table keep/remove/restrict [[7,1,1],[2,11,0],[0,1,1]]: po 0.7917, pe 0.4410, kappa 0.627, SE 0.1436, 0.346 to 0.909
//   glorification [[9,3],[3,9]]: kappa 0.500, SE 0.1768, 0.154 to 0.846 (marked: below 0.6 over 24 pairs)
//   news reporting [[7,2],[2,13]]: kappa 0.644, 0.328 to 0.961 (not marked)
//   propaganda distribution, representation [[1,1],[1,21]]: kappa 0.455, -0.182 to 1.000 (clipped; marked)
//   condemnation [[0,0],[1,23]]: kappa 0.000, 0.000 to 0.000 (the first reviewer never used it; marked)
//   2025-01 (12 pairs, all agreed): kappa 1.000; 2025-02 (12 pairs): [[3,1,1],[2,3,0],[0,1,1]], kappa 0.333, -0.114 to 0.781
const PAIRS: PairSpec[] = [
  ...Array.from({ length: 8 }, () => spec(["remove", [G]], ["remove", [G]], "2025-01", "agreed")),
  ...Array.from({ length: 6 }, (_, i) => spec(["keep", [N]], ["keep", [N]], i < 4 ? "2025-01" : "2025-02", "agreed")),
  spec(["remove", [G]], ["keep", [N]], "2025-02", "disagreed"),
  spec(["remove", [G]], ["keep", [N]], "2025-02", "adjudicated"),
  spec(["keep", [N]], ["remove", [G]], "2025-02", "disagreed"),
  spec(["remove", [G, P]], ["remove", [P]], "2025-02", "adjudicated"),
  spec(["remove", [P]], ["remove", [G]], "2025-02", "disagreed"),
  spec(["restrict", [R]], ["restrict", [R]], "2025-02", "agreed"),
  spec(["restrict", [R]], ["remove", [G]], "2025-02", "disagreed"),
  spec(["keep", [N]], ["restrict", [R]], "2025-02", "disagreed"),
  spec(["remove", [G]], ["remove", [G, P]], "2025-02", "disagreed"),
  spec(["keep", [N]], ["keep", [N, C]], "2025-02", "agreed"),
];

// Confusion matrix by the documented rule (shared labels on the diagonal, unshared ones crossed, "(none)" for an empty side).
const CONFUSION: Record<string, number> = {
  [`${G}|${G}`]: 9,
  [`${G}|${N}`]: 2,
  [`${G}|(none)`]: 1,
  [`${N}|${N}`]: 7,
  [`${N}|${G}`]: 1,
  [`${N}|${R}`]: 1,
  [`${P}|${P}`]: 1,
  [`${P}|${G}`]: 1,
  [`${R}|${R}`]: 1,
  [`${R}|${G}`]: 1,
  [`(none)|${P}`]: 1,
  [`(none)|${C}`]: 1,
};

let server: RunningServer;
let setId: string;
let versionId: string;
const hidden: string[] = []; // reviewer emails, names and ids: none may appear in a page or file
const externalIds: string[] = [];
let openExternalId: string;
const INJECTION = `=HYPERLINK(1)-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  server = await startServer();
  const reviewers = await Promise.all(
    ["Quill", "Marrow"].map(async (who) => {
      const u = await makeUser("moderator", { email: `second-${who.toLowerCase()}-${randomUUID().slice(0, 6)}@example.test` });
      return db.user.update({ where: { id: u.id }, data: { name: `Fictional Reviewer ${who}` } });
    }),
  );
  for (const [i, pair] of PAIRS.entries()) {
    const reviewer = reviewers[i % 2];
    const day = String(1 + (i % 27)).padStart(2, "0");
    const made = await makeReviewedPair({
      ...pair,
      reviewerId: reviewer.id,
      reviewedAt: new Date(`${pair.month}-${day}T12:00:00Z`),
      externalId: i === 0 ? INJECTION : undefined,
    });
    externalIds.push(made.externalId);
    if (i === 0) hidden.push(made.moderator.email, made.moderator.id, ...reviewers.flatMap((r) => [r.email, r.name, r.id]));
    versionId = made.decision.versionId!;
  }
  // A review still open is not a pair yet.
  const open = await makeDecision({ action: "remove", labelKeys: [G] });
  openExternalId = open.externalId;
  await db.qualityReview.create({
    data: {
      id: newId(),
      decisionId: open.decision.id,
      itemId: open.itemId,
      sampledBecause: "share",
      firstUserId: open.moderator.id,
      versionId,
      sampledAt: new Date(),
    },
  });
  setId = (await db.labelSetVersion.findUniqueOrThrow({ where: { id: versionId } })).labelSetId;
});
afterAll(() => server?.stop());

async function signedIn(role: "moderator" | "policy_lead" | "auditor" | "admin") {
  const client = new Client(server.url);
  await client.login((await makeUser(role)).email, PASSWORD);
  return client;
}

/** The markup of the table row with this id. */
function row(page: string, id: string): string {
  const m = new RegExp(`<tr[^>]*id="${id}"[^>]*>([\\s\\S]*?)</tr>`).exec(page);
  if (!m) throw new Error(`no row ${id}`);
  return m[1];
}

const three = (s: string) => Number(s).toFixed(3);

describe("who may read the agreement figures", () => {
  it("a moderator is refused the page and every export", async () => {
    const moderator = await signedIn("moderator");
    expect((await moderator.get("/quality/agreement")).status).toBe(403);
    for (const kind of ["pairs", "figures", "confusion"]) expect((await moderator.get(`/quality/agreement/export?kind=${kind}`)).status).toBe(403);
  });

  it("an export without a known kind is a 400, and a version without pairs a 404", async () => {
    const lead = await signedIn("policy_lead");
    const bad = await lead.get("/quality/agreement/export?kind=everything");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe("invalid_request");
    expect((await lead.get("/quality/agreement/export?kind=pairs&version=no-such-version")).status).toBe(404);
    expect((await lead.get("/quality/agreement?version=no-such-version")).status).toBe(404);
  });
});

describe("the agreement page", () => {
  it("shows the lead the hand-computed figures per label, for the action and per month", async () => {
    const lead = await signedIn("policy_lead");
    const res = await lead.get(`/quality/agreement?version=${versionId}`);
    expect(res.status).toBe(200);
    const page = html(await res.text());
    expect(page).toContain("0.627");
    expect(page).toContain("0.346 to 0.909");

    const glory = row(page, `agreement-${G}`);
    expect(glory).toMatch(/>24</);
    expect(glory).toContain(">0.500<");
    expect(glory).toContain("0.154 to 0.846");
    expect(glory).toContain("Guidance needs work");
    // No draft yet: the link opens the draft editor, where the lead starts one.
    expect(glory).toContain(`href="/labels/${setId}/draft"`);

    const news = row(page, `agreement-${N}`);
    expect(news).toContain(">0.644<");
    expect(news).toContain("0.328 to 0.961");
    expect(news).not.toContain("Guidance needs work");

    const propaganda = row(page, `agreement-${P}`);
    expect(propaganda).toContain(">0.455<");
    expect(propaganda).toContain("-0.182 to 1.000");
    expect(propaganda).toContain("Guidance needs work");
    expect(row(page, `agreement-${C}`)).toContain("0.000 to 0.000");
    // A label nobody applied has no kappa, and says why.
    expect(row(page, "agreement-ve_recruitment")).toContain("Neither reviewer applied it in any pair.");

    expect(page).toMatch(/2025-01<\/th><td[^>]*>12<\/td><td[^>]*>1\.000<\/td><td[^>]*>1\.000 to 1\.000</);
    expect(page).toMatch(/2025-02<\/th><td[^>]*>12<\/td><td[^>]*>0\.333<\/td><td[^>]*>-0\.114 to 0\.781</);

    for (const id of externalIds) expect(page).toContain(id);
    expect(page).not.toContain(openExternalId);
    for (const secret of hidden) expect(page).not.toContain(secret);
  });

  it("links a marked label to its card in the draft once a draft exists", async () => {
    const lead = await makeUser("policy_lead");
    const { versionId: draftId } = await startDraft(userActor(lead), setId);
    const draftLabel = await db.label.findFirstOrThrow({ where: { versionId: draftId, key: G } });
    const client = new Client(server.url);
    await client.login(lead.email, PASSWORD);
    const page = html(await (await client.get("/quality/agreement")).text());
    const href = `/labels/${setId}/draft?label=${draftLabel.id}#card-${draftLabel.id}`;
    expect(row(page, `agreement-${G}`)).toContain(`href="${href}"`);
    const editor = await client.get(href.split("#")[0]);
    expect(editor.status).toBe(200);
    expect(await editor.text()).toContain(`id="card-${draftLabel.id}"`);
  });

  it("shows an auditor the same figures and pairs, without the edit link and without reviewers", async () => {
    const auditor = await signedIn("auditor");
    const res = await auditor.get("/quality/agreement");
    expect(res.status).toBe(200);
    const page = html(await res.text());
    const glory = row(page, `agreement-${G}`);
    expect(glory).toContain(">0.500<");
    expect(glory).toContain("Guidance needs work");
    expect(glory).not.toContain("/labels/");
    expect(page).toContain("Confusion between labels");
    for (const secret of hidden) expect(page).not.toContain(secret);
  });
});

describe("the CSV exports", () => {
  it("the figures match the hand-computed values to three decimals", async () => {
    const auditor = await signedIn("auditor");
    const res = await auditor.get(`/quality/agreement/export?kind=figures&version=${versionId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const text = await res.text();
    for (const secret of hidden) expect(text).not.toContain(secret);
    const rows = parseCsv(text);
    const find = (period: string, measure: string, key = "") => rows.find((r) => r.period === period && r.measure === measure && r.label_key === key)!;
    const action = find("all", "action");
    expect([action.pairs, three(action.kappa), three(action.se), three(action.ci_low), three(action.ci_high)]).toEqual([
      "24",
      "0.627",
      "0.144",
      "0.346",
      "0.909",
    ]);
    expect([three(action.observed_agreement), three(action.chance_agreement)]).toEqual(["0.792", "0.441"]);
    const glory = find("all", "label", G);
    expect([three(glory.kappa), three(glory.se), three(glory.ci_low), three(glory.ci_high), glory.guidance_needs_work]).toEqual([
      "0.500",
      "0.177",
      "0.154",
      "0.846",
      "yes",
    ]);
    expect([glory.first_applied, glory.second_applied]).toEqual(["12", "12"]);
    const news = find("all", "label", N);
    expect([three(news.kappa), three(news.ci_low), three(news.ci_high), news.guidance_needs_work]).toEqual(["0.644", "0.328", "0.961", "no"]);
    const unused = find("all", "label", "ve_recruitment");
    expect(unused.kappa).toBe("");
    expect(unused.note).toContain("same category");
    const feb = find("2025-02", "action");
    expect([feb.pairs, three(feb.kappa), three(feb.ci_low), three(feb.ci_high)]).toEqual(["12", "0.333", "-0.114", "0.781"]);
  });

  it("the confusion matrix counts each cell as the documented rule says", async () => {
    const lead = await signedIn("policy_lead");
    const rows = parseCsv(await (await lead.get(`/quality/agreement/export?kind=confusion&version=${versionId}`)).text());
    const nonZero = Object.fromEntries(rows.filter((r) => r.count !== "0").map((r) => [`${r.first_label}|${r.second_label}`, Number(r.count)]));
    expect(nonZero).toEqual(CONFUSION);
  });

  it("the pairs file lists every pair without reviewers, its text cells safe from formulas", async () => {
    const admin = await signedIn("admin");
    const res = await admin.get(`/quality/agreement/export?kind=pairs&version=${versionId}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const secret of hidden) expect(text).not.toContain(secret);
    const rows = parseCsv(text);
    expect(rows).toHaveLength(PAIRS.length);
    expect(rows.filter((r) => r.agreed === "yes")).toHaveLength(PAIRS.filter((p) => p.state === "agreed").length);
    expect(rows.map((r) => r.item_external_id)).toContain(`'${INJECTION}`);
    expect(rows.every((r) => !/^[=+\-@]/.test(r.item_external_id))).toBe(true);
    expect(Object.keys(rows[0])).not.toContain("reviewer");
  });
});
