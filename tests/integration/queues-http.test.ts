// The queue pages through the real server, as plain form posts without JavaScript: who may use them,
// field errors beside their fields in the one error shape, redirects after success, closing,
// deleting, and members.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { Client } from "../support/http.ts";
import { makeTeam, makeUser, PASSWORD } from "../support/fixtures.ts";
import { seedItems } from "../support/queue-fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
let team: Awaited<ReturnType<typeof makeTeam>>;

beforeAll(async () => {
  team = await makeTeam();
  server = await startServer();
});
afterAll(() => server?.stop());

async function as(user: { email: string }) {
  const client = new Client(server.url);
  await client.login(user.email, PASSWORD);
  return client;
}

const INDEX_ROUTE = "routes/_console.queues._index";
const QUEUE_ROUTE = "routes/_console.queues.$queueId";
// Queue events only: signing in records events of its own.
const eventCount = () => db.auditEvent.count({ where: { action: { startsWith: "queue." } } });

/** The create form as a browser sends it: every hours field, empty unless given. */
function createForm(name: string, hours: Record<string, string> = {}, description = "") {
  const form: Record<string, string> = { intent: "create", name, description };
  for (const s of ["removal_order", "trusted_flagger", "authority_referral", "user_report", "automated"]) form[`deadlineHours.${s}`] = hours[s] ?? "";
  return form;
}

async function createdId(res: Response) {
  expect(res.status).toBe(302);
  const location = res.headers.get("location")!;
  expect(location).toMatch(/^\/queues\/[^/?]+\?done=created$/);
  return decodeURIComponent(location.slice("/queues/".length).split("?")[0]);
}

describe("who may manage queues", () => {
  it("moderators and auditors get 403 on every queue page and form, and nothing is written", async () => {
    const before = await eventCount();
    for (const user of [team.moderator, team.auditor]) {
      const client = await as(user);
      expect((await client.get("/queues")).status).toBe(403);
      expect((await client.get("/queues/queue-general-review")).status).toBe(403);
      expect((await client.post("/queues", createForm("Forbidden desk"))).status).toBe(403);
      for (const intent of ["close", "delete", "reopen"]) expect((await client.post("/queues/queue-general-review", { intent })).status).toBe(403);
      expect(
        (await client.post("/queues/queue-general-review", { intent: "add_member", userId: user === team.moderator ? team.auditor.id : team.moderator.id }))
          .status,
      ).toBe(403);
    }
    expect(await eventCount()).toBe(before);
    expect(await db.queue.count({ where: { name: "Forbidden desk" } })).toBe(0);
    expect((await db.queue.findUniqueOrThrow({ where: { id: "queue-general-review" } })).open).toBe(true);
  });
});

describe("creating and editing through the console", () => {
  it("a lead creates a queue, lands on its page, and the list shows it with its deadlines against the defaults", async () => {
    const lead = await as(team.policy_lead);
    const id = await createdId(await lead.post("/queues", createForm("Ember region desk", { user_report: "12" }, "Fictional Ember region reports.")));
    const page = await lead.get(`/queues/${id}?done=created`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Ember region desk");
    expect(html).toContain("Queue created.");

    const list = await (await lead.get("/queues")).text();
    for (const source of ["removal_order", "trusted_flagger", "authority_referral", "user_report", "automated"]) {
      expect(list).toContain(`name="deadlineHours.${source}"`);
    }
    expect(list).toContain("Ember region desk");
    expect(list).toContain("Fictional Ember region reports.");
    expect(list).toContain("12 h");
    expect(list).toContain("(default 72 h)");
  });

  it("bad input comes back beside its field with a 4xx, in the error shape for programs, and writes nothing", async () => {
    const lead = await as(team.policy_lead);
    const before = await eventCount();

    const slow = await lead.post("/queues", createForm("Slow orders desk", { removal_order: "2" }));
    expect(slow.status).toBe(400);
    const html = await slow.text();
    expect(html).toContain("removal_order: a removal order must be acted on within one hour");
    expect(html).toMatch(/aria-invalid="true"/);
    expect(html).toContain('value="Slow orders desk"');
    expect(html).toMatch(/name="deadlineHours\.removal_order"[^>]*value="2"/);

    const data = await lead.post(`/queues?_data=${encodeURIComponent(INDEX_ROUTE)}`, createForm("", { user_report: "soon" }));
    expect(data.status).toBe(400);
    const body = (await data.json()) as { error: { code: string; message: string; issues: { path: string; message: string }[] } };
    expect(body.error.code).toBe("invalid_form");
    expect(body.error.issues.map((i) => i.path).sort()).toEqual(["deadlineHours.user_report", "name"]);

    const long = await lead.post("/queues", createForm("x".repeat(81)));
    expect(long.status).toBe(400);
    expect(await long.text()).toContain("80 characters");

    await createdIdOf(lead, "Duplicate desk");
    const duplicate = await lead.post("/queues", createForm("DUPLICATE desk"));
    expect(duplicate.status).toBe(409);
    expect(await duplicate.text()).toContain("A queue named &quot;DUPLICATE desk&quot; already exists");

    expect(await eventCount()).toBe(before + 1);
    expect(await db.queue.count({ where: { name: { in: ["Slow orders desk", "DUPLICATE desk"] } } })).toBe(0);
  });

  it("two leads submitting the same new name at once get one queue and one refusal", async () => {
    const [first, second] = [await as(team.policy_lead), await as(team.admin)];
    const answers = await Promise.all([first.post("/queues", createForm("Race desk")), second.post("/queues", createForm("race DESK"))]);
    expect(answers.map((r) => r.status).sort()).toEqual([302, 409]);
    await Promise.all(answers.map((r) => r.arrayBuffer()));
    expect(await db.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Queue" WHERE lower("name") = 'race desk' AND "deletedAt" IS NULL`).toHaveLength(1);
  });

  it("editing saves the changed fields and redirects; an empty hours field falls back to the default", async () => {
    const lead = await as(team.policy_lead);
    const id = await createdIdOf(lead, "Edit desk", { automated: "5" });
    const form = { ...createForm("Edit desk renamed", { trusted_flagger: "6" }, "Now with a description."), intent: "update" };
    const saved = await lead.post(`/queues/${id}`, form);
    expect(saved.status).toBe(302);
    expect(saved.headers.get("location")).toBe(`/queues/${id}?done=updated`);
    const row = await db.queue.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ name: "Edit desk renamed", description: "Now with a description." });
    expect(JSON.parse(row.deadlineHours)).toEqual({ trusted_flagger: 6 });
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "queue.updated", subjectId: id } });
    expect(JSON.parse(event.payload).changed).toEqual(["name", "description", "deadlineHours"]);

    const refused = await lead.post(`/queues/${id}`, { ...form, "deadlineHours.removal_order": "2" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("removal_order: a removal order must be acted on within one hour");
    const unnamed = await lead.post(`/queues/${id}`, { ...form, name: " " });
    expect(unnamed.status).toBe(400);
    const unnamedHtml = await unnamed.text();
    expect(unnamedHtml).toContain("Give the queue a name.");
    expect(unnamedHtml).not.toContain('value="Edit desk renamed"');
    expect((await db.queue.findUniqueOrThrow({ where: { id } })).name).toBe("Edit desk renamed");
  });
});

async function createdIdOf(client: Client, name: string, hours: Record<string, string> = {}) {
  return createdId(await client.post("/queues", createForm(name, hours)));
}

describe("closing, deleting and members", () => {
  it("closing unroutes the waiting items; deleting is refused while items wait and allowed after", async () => {
    const lead = await as(team.policy_lead);
    const id = await createdIdOf(lead, "Closing desk");
    const ids = await seedItems(3);
    await db.item.updateMany({ where: { id: { in: ids } }, data: { queueId: id, routedBy: "rule:test@1" } });
    expect(await (await lead.get("/queues")).text()).toMatch(/Closing desk[\s\S]*?>3</);

    const refused = await lead.post(`/queues/${id}`, { intent: "delete" });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("still holds 3 open items");
    const refusedData = await lead.post(`/queues/${id}?_data=${encodeURIComponent(QUEUE_ROUTE)}`, { intent: "delete" });
    expect(refusedData.status).toBe(409);
    expect(((await refusedData.json()) as { error: { code: string } }).error.code).toBe("not_empty");

    const unconfirmed = await lead.post(`/queues/${id}`, { intent: "close" });
    expect(unconfirmed.status).toBe(400);
    expect(await db.queue.findUniqueOrThrow({ where: { id } })).toMatchObject({ open: true });
    const closed = await lead.post(`/queues/${id}`, { intent: "close", confirm: "on" });
    expect(closed.status).toBe(302);
    expect(closed.headers.get("location")).toBe(`/queues/${id}?done=closed&n=3`);
    expect(await (await lead.get(closed.headers.get("location")!)).text()).toContain("3 open items became unrouted");
    expect(await db.item.count({ where: { id: { in: ids }, queueId: null, routeNote: { startsWith: 'Queue "Closing desk" was closed on ' } } })).toBe(3);

    const reopened = await lead.post(`/queues/${id}`, { intent: "reopen" });
    expect(reopened.headers.get("location")).toBe(`/queues/${id}?done=reopened`);

    const deleted = await lead.post(`/queues/${id}`, { intent: "delete" });
    expect(deleted.status).toBe(302);
    expect(deleted.headers.get("location")).toBe("/queues?deleted=1");
    expect(await (await lead.get("/queues")).text()).not.toContain("Closing desk");
    expect((await lead.get(`/queues/${id}`)).status).toBe(404);
    const addToDeleted = await lead.post(`/queues/${id}`, { intent: "add_member", userId: team.moderator.id });
    expect(addToDeleted.status).toBe(404);
    expect((await lead.get("/queues/no-such-queue")).status).toBe(404);
  });

  it("an admin adds and removes members; non-reviewers are refused with a 400 and adding twice is a no-op", async () => {
    const admin = await as(team.admin);
    const id = await createdIdOf(admin, "Members desk");
    const moderator = await makeUser("moderator", { queues: [] });
    const disabled = await makeUser("moderator", { disabled: true, queues: [] });

    const page = await (await admin.get(`/queues/${id}`)).text();
    expect(page).toContain(moderator.email);
    expect(page).not.toContain(disabled.email);
    expect(page).not.toContain(team.auditor.email);

    const added = await admin.post(`/queues/${id}`, { intent: "add_member", userId: moderator.id });
    expect(added.headers.get("location")).toBe(`/queues/${id}?done=member_added`);
    const again = await admin.post(`/queues/${id}`, { intent: "add_member", userId: moderator.id });
    expect(again.status).toBe(302);
    expect(again.headers.get("location")).toBe(`/queues/${id}?done=already_member`);
    expect(await db.queueMember.count({ where: { queueId: id } })).toBe(1);

    const before = await eventCount();
    for (const user of [team.auditor, disabled]) {
      const refused = await admin.post(`/queues/${id}`, { intent: "add_member", userId: user.id });
      expect(refused.status).toBe(400);
      expect(await refused.text()).toContain(user.email);
    }
    expect((await admin.post(`/queues/${id}`, { intent: "add_member" })).status).toBe(400);
    expect(await eventCount()).toBe(before);

    const [itemId] = await seedItems(1);
    await db.item.update({ where: { id: itemId }, data: { queueId: id, assignedToId: moderator.id, assignedAt: new Date() } });
    const removed = await admin.post(`/queues/${id}`, { intent: "remove_member", userId: moderator.id });
    expect(removed.headers.get("location")).toBe(`/queues/${id}?done=member_removed&n=1`);
    expect(await (await admin.get(removed.headers.get("location")!)).text()).toContain("1 open item assigned to them here is unassigned");
    expect((await db.item.findUniqueOrThrow({ where: { id: itemId } })).assignedToId).toBeNull();
    expect(await db.queueMember.count({ where: { queueId: id } })).toBe(0);
  });

  it("a form with no intent or an unknown one is refused with a 400, not a 500", async () => {
    const lead = await as(team.policy_lead);
    expect((await lead.post("/queues/queue-general-review", {})).status).toBe(400);
    expect((await lead.post("/queues/queue-general-review", { intent: "explode" })).status).toBe(400);
    expect((await lead.post("/queues", { intent: "close" })).status).toBe(400);
    const nul = await lead.post("/queues", createForm("Nul\u0000desk"));
    expect(nul.status).toBe(400);
  });
});
