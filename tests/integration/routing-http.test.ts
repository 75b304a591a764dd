import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { ensureStarterLabelSet } from "~/modules/labels/starter.server.ts";
import { Client } from "../support/http.ts";
import { makeTeam, makeUser, PASSWORD } from "../support/fixtures.ts";
import { leadActor } from "../support/labels.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
let second: RunningServer;
let team: Awaited<ReturnType<typeof makeTeam>>;
let secondLead: Awaited<ReturnType<typeof makeUser>>;

beforeAll(async () => {
  team = await makeTeam();
  secondLead = await makeUser("policy_lead");
  await ensureStarterLabelSet(leadActor(team.policy_lead));
  await db.queue.createMany({
    data: [
      { id: "queue-orders", name: "Removal order desk" },
      { id: "queue-gone", name: "Gone desk", deletedAt: new Date() },
    ],
  });
  // Two processes on one database, as behind a load balancer.
  [server, second] = await Promise.all([startServer(), startServer()]);
});
afterAll(() => Promise.all([server?.stop(), second?.stop()]));

async function as(user: { email: string }, on: RunningServer = server) {
  const client = new Client(on.url);
  await client.login(user.email, PASSWORD);
  return client;
}

const DRAFT_DATA = `/routing/draft?_data=${encodeURIComponent("routes/_console.routing.draft")}`;
const draftRow = () => db.routingVersion.findFirst({ where: { status: "draft" } });
const snapshot = async () => ({
  versions: await db.routingVersion.findMany({ orderBy: { number: "asc" }, select: { number: true, status: true, rules: true } }),
  events: await db.auditEvent.count(),
});

/** The warnings the draft page shows, as its publish form sends them back. */
async function shownWarnings(client: Client): Promise<string[]> {
  const html = await (await client.get("/routing/draft")).text();
  const decode = (v: string) =>
    v
      .replace(/&quot;/g, '"')
      .replace(/&#x27;/g, "'")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&");
  return [...html.matchAll(/name="seenWarnings" value="([^"]*)"/g)].map((m) => decode(m[1]));
}

const ruleForm = (versionId: string, fields: Record<string, string | string[]> = {}) => ({
  intent: "save",
  versionId,
  name: "Removal orders to their desk",
  stage: "review",
  queueId: "queue-orders",
  sources: ["removal_order"],
  reasons: "",
  languages: "",
  platforms: "",
  copies: "any",
  ...fields,
});

describe("who may read and change routing over HTTP", () => {
  it("a moderator is refused every routing page", async () => {
    const client = await as(team.moderator);
    for (const path of ["/routing", "/routing/draft", "/routing/versions/1", "/routing/diff"]) expect((await client.get(path)).status, path).toBe(403);
    expect((await client.post("/routing/draft", { intent: "start" })).status).toBe(403);
    expect(await draftRow()).toBeNull();
  });

  it("an auditor reads the live rules, a version and a diff, but cannot open the draft or post", async () => {
    const client = await as(team.auditor);
    const page = await client.get("/routing");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Everything else to general review");
    expect(html).toContain("General review");
    expect(html).not.toContain("Start a draft");
    expect((await client.get("/routing/versions/1")).status).toBe(200);
    expect((await client.get("/routing/versions/99")).status).toBe(404);
    expect((await client.get("/routing/diff?from=1&to=1")).status).toBe(200);
    expect((await client.get("/routing/diff?from=one")).status).toBe(400);
    expect((await client.get("/routing/draft")).status).toBe(403);
    const before = await snapshot();
    expect((await client.post("/routing/draft", { intent: "start" })).status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });
});

describe("a lead edits and publishes through the console", () => {
  it("bad input is answered field by field with a 400 and writes nothing; a good rule saves; publishing asks to acknowledge warnings", async () => {
    const lead = await as(team.policy_lead);
    expect(await (await lead.get("/routing")).text()).toContain("Start a draft from version 2");
    const start = await lead.post("/routing/draft", { intent: "start" });
    expect(start.status).toBe(302);
    expect(start.headers.get("location")).toBe("/routing/draft");
    const versionId = (await draftRow())!.id;
    expect(await (await lead.get("/routing")).text()).toContain("Edit the draft (version 3)");

    const before = await snapshot();
    const badSource = await lead.post("/routing/draft", ruleForm(versionId, { sources: ["removal_order", "carrier_pigeon"] }));
    expect(badSource.status).toBe(400);
    const html = await badSource.text();
    expect(html).toContain("sources: each must be one of removal_order");
    expect(html).toMatch(/aria-invalid="true"/);

    const badQueue = await lead.request(DRAFT_DATA, { method: "POST", form: ruleForm(versionId, { queueId: "queue-elsewhere" }) });
    expect(badQueue.status).toBe(400);
    const body = await badQueue.json();
    expect(body.error).toMatchObject({ code: "invalid", issues: [{ path: "queueId", message: expect.stringContaining("does not exist") }] });
    const deleted = await lead.request(DRAFT_DATA, { method: "POST", form: ruleForm(versionId, { queueId: "queue-gone" }) });
    expect((await deleted.json()).error.issues).toEqual([{ path: "queueId", message: expect.stringContaining("was deleted") }]);
    const extra = await lead.request(DRAFT_DATA, { method: "POST", form: ruleForm(versionId, { priority: "9" }) });
    expect(extra.status).toBe(400);
    expect((await extra.json()).error.issues).toEqual([{ path: "priority", message: expect.stringContaining("no field “priority”") }]);
    const badLanguage = await lead.request(DRAFT_DATA, { method: "POST", form: ruleForm(versionId, { languages: "en, english!" }) });
    expect((await badLanguage.json()).error.issues.map((i: { path: string }) => i.path)).toEqual(["languages"]);
    expect(await snapshot()).toEqual(before);

    const saved = await lead.post("/routing/draft", ruleForm(versionId, { languages: "de, en", contentTypes: ["video", "image"] }));
    expect(saved.status).toBe(302);
    expect(saved.headers.get("location")).toMatch(/^\/routing\/draft\?saved=/);
    const rules = JSON.parse((await draftRow())!.rules);
    expect(rules.at(-1)).toMatchObject({
      name: "Removal orders to their desk",
      when: { sources: ["removal_order"], languages: ["de", "en"], contentTypes: ["video", "image"] },
    });
    const ruleId = rules.at(-1).id as string;
    expect((await lead.post("/routing/draft", { intent: "move", versionId, ruleId, direction: "up" })).status).toBe(302);
    expect((await lead.post("/routing/draft", { intent: "move", versionId, ruleId, direction: "sideways" })).status).toBe(400);

    const editor = await (await lead.get("/routing/draft")).text();
    expect(editor).toContain("the language is de or en");
    expect(editor).toContain("Removal order desk");
    expect(editor).toContain("No warnings");
    expect(editor).not.toContain("I have read the warnings");

    // Removing the catch-all review rule leaves sources uncovered: a warning to acknowledge.
    expect((await lead.post("/routing/draft", { intent: "remove", versionId, ruleId: "rule-starter-review" })).status).toBe(302);
    const warned = await (await lead.get("/routing/draft")).text();
    expect(warned).toContain("No rule routes user_report flags");
    expect(warned).toContain("I have read the warnings");
    const unread = await lead.post("/routing/draft", { intent: "publish", versionId, changeNote: "Removal orders get their own desk." });
    expect(unread.status).toBe(400);
    expect(await unread.text()).toContain("Tick this to publish despite");
    expect((await db.routingVersion.findUniqueOrThrow({ where: { id: versionId } })).status).toBe("draft");

    // The tick covers the warnings the page showed, not ones the form did not carry.
    const blind = await lead.post("/routing/draft", {
      intent: "publish",
      versionId,
      changeNote: "Removal orders get their own desk.",
      acknowledgeWarnings: "on",
    });
    expect(blind.status).toBe(400);
    expect((await shownWarnings(lead)).length).toBeGreaterThan(0);
    const published = await lead.post("/routing/draft", {
      intent: "publish",
      versionId,
      changeNote: "Removal orders get their own desk.",
      acknowledgeWarnings: "on",
      seenWarnings: await shownWarnings(lead),
    });
    expect(published.status).toBe(302);
    expect(published.headers.get("location")).toBe("/routing/versions/3?published=1");
    const page = await (await lead.get("/routing/versions/3?published=1")).text();
    expect(page).toContain("Removal orders get their own desk.");
    expect(page).toContain(team.policy_lead.email);

    const auditor = await as(team.auditor);
    const diff = await (await auditor.get("/routing/diff?from=2&to=3")).text();
    expect(diff).toContain("1 added · 1 removed · 0 changed");
    expect(diff).toContain("Removal orders to their desk");
    expect(diff).toContain("Everything else to general review");
    const history = await (await auditor.get("/routing")).text();
    expect(history).toContain("Compare with version 2");
    expect(history).toContain("Live rules: version 3");
  });

  it("two leads on two servers start a draft and then publish it at the same moment: one draft, one live version, a 409 for the loser", async () => {
    const [a, b] = await Promise.all([as(team.policy_lead, server), as(secondLead, second)]);
    const starts = await Promise.all([a.post("/routing/draft", { intent: "start" }), b.post("/routing/draft", { intent: "start" })]);
    expect(starts.map((r) => r.status)).toEqual([302, 302]);
    expect(await db.routingVersion.count({ where: { status: "draft" } })).toBe(1);
    const versionId = (await draftRow())!.id;
    const number = (await draftRow())!.number;
    const [seenA, seenB] = await Promise.all([shownWarnings(a), shownWarnings(b)]);
    const [ra, rb] = await Promise.all([
      a.post("/routing/draft", { intent: "publish", versionId, changeNote: "Same rules, first lead.", acknowledgeWarnings: "on", seenWarnings: seenA }),
      b.post("/routing/draft", { intent: "publish", versionId, changeNote: "Same rules, second lead.", acknowledgeWarnings: "on", seenWarnings: seenB }),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([302, 409]);
    const loser = ra.status === 409 ? ra : rb;
    expect(await loser.text()).toMatch(new RegExp(`already published as version ${number} by .*frozen now`));
    expect(await db.routingVersion.count({ where: { status: "published" } })).toBe(1);
    expect((await db.routingVersion.findFirstOrThrow({ where: { status: "published" } })).id).toBe(versionId);
    expect(server.output() + second.output()).not.toMatch(/Error|Unhandled/);
  });
});
