import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { ensureStarterLabelSet } from "~/modules/labels/starter.server.ts";
import { liveLabelSets } from "~/modules/labels/live.server.ts";
import { getVersion } from "~/modules/labels/sets.server.ts";
import { Client } from "../support/http.ts";
import { makeApiKey, makeTeam, makeUser, PASSWORD } from "../support/fixtures.ts";
import { insertDecision, leadActor } from "../support/labels.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
let team: Awaited<ReturnType<typeof makeTeam>>;
let secondLead: Awaited<ReturnType<typeof makeUser>>;
let setId: string;

beforeAll(async () => {
  team = await makeTeam();
  secondLead = await makeUser("policy_lead");
  const starter = await ensureStarterLabelSet(leadActor(team.policy_lead));
  setId = (await db.labelSetVersion.findUniqueOrThrow({ where: { id: starter.versionId } })).labelSetId;
  server = await startServer();
});
afterAll(() => server?.stop());

async function as(user: { email: string }) {
  const client = new Client(server.url);
  await client.login(user.email, PASSWORD);
  return client;
}

/** The draft's label form fields for one label, as the editor would submit them unchanged. */
async function labelForm(versionId: string, key: string) {
  const label = (await getVersion(versionId))!.labels.find((l) => l.key === key)!;
  return {
    form: {
      intent: "save",
      versionId,
      labelId: label.id,
      key: label.key,
      name: label.name,
      group: label.group,
      definition: label.definition,
      cues: label.cues.join("\n"),
      notWhen: label.notWhen,
      positiveExamples: label.positiveExamples.join("\n"),
      negativeExamples: label.negativeExamples.join("\n"),
      severity: String(label.severity),
      defaultAction: label.defaultAction,
      ...(label.rationaleRequired ? { rationaleRequired: "on" } : {}),
      sorCategory: label.sor?.category ?? "",
      sorGround: label.sor?.ground ?? "",
      sorKeywords: label.sor?.keywords ?? [],
    } as Record<string, string | string[]>,
    label,
  };
}

async function draftId() {
  return (await db.labelSetVersion.findFirstOrThrow({ where: { labelSetId: setId, status: "draft" } })).id;
}

describe("who may read and change label sets over HTTP", () => {
  it("moderators and auditors read sets and versions but cannot open the editor, start a draft or import", async () => {
    const live = (await liveLabelSets())[0];
    for (const user of [team.moderator, team.auditor]) {
      const client = await as(user);
      expect((await client.get("/labels")).status).toBe(200);
      expect((await client.get(`/labels/${setId}`)).status).toBe(200);
      const page = await client.get(`/labels/${setId}/versions/${live.versionId}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("Informs about events involving extremist groups or attacks.");
      expect((await client.get(`/labels/${setId}/draft`)).status).toBe(403);
      expect((await client.post(`/labels/${setId}/draft`, { intent: "start" })).status).toBe(403);
      expect((await client.post("/labels/import", { json: "{}" })).status).toBe(403);
    }
    expect(await db.labelSetVersion.count({ where: { labelSetId: setId, status: "draft" } })).toBe(0);
  });
});

describe("editing and publishing through the console", () => {
  it("a lead starts a draft, sees field errors next to the field, saves, and publishes; the version page shows who and why", async () => {
    const lead = await as(team.policy_lead);
    const start = await lead.post(`/labels/${setId}/draft`, { intent: "start" });
    expect(start.status).toBe(302);
    const versionId = await draftId();

    const { form } = await labelForm(versionId, "ve_condemnation");
    const invalid = await lead.post(`/labels/${setId}/draft`, { ...form, definition: "  ", severity: "7" });
    expect(invalid.status).toBe(400);
    const html = await invalid.text();
    expect(html).toContain("A label needs a definition: what it covers.");
    expect(html).toContain("Severity is 0 to 4.");
    expect(html).toMatch(/aria-invalid="true"/);
    const nul = await lead.post(`/labels/${setId}/draft`, { ...form, definition: "Disapproval\u0000 of the act." });
    expect(nul.status).toBe(400);
    expect(await nul.text()).toContain("may not contain NUL");
    expect((await getVersion(versionId))!.labels.find((l) => l.key === "ve_condemnation")!.definition).toBe(form.definition);

    const saved = await lead.post(`/labels/${setId}/draft`, {
      ...form,
      definition: "Disapproval, criticism, mockery or counter-speech aimed at the group or act.",
    });
    expect(saved.status).toBe(302);
    expect(saved.headers.get("location")).toContain("saved=ve_condemnation");

    const noNote = await lead.post(`/labels/${setId}/draft`, { intent: "publish", versionId, changeNote: "" });
    expect(noNote.status).toBe(400);
    expect(await noNote.text()).toContain("Write a change note");

    const published = await lead.post(`/labels/${setId}/draft`, {
      intent: "publish",
      versionId,
      changeNote: "Condemnation covers counter-speech aimed at the group.",
    });
    expect(published.status).toBe(302);
    const page = await lead.get(published.headers.get("location")!);
    const text = await page.text();
    expect(text).toContain("Condemnation covers counter-speech aimed at the group.");
    expect(text).toContain(team.policy_lead.email);

    const diff = await lead.get(`/labels/${setId}/diff`);
    const diffText = await diff.text();
    expect(diffText).toContain("Disapproval, criticism, mockery, counter-speech.");
    expect(diffText).toContain("Disapproval, criticism, mockery or counter-speech aimed at the group or act.");
    expect(diffText).toMatch(/1 changed/);
  });

  it("two leads publishing the same draft at once: one is redirected to the new version, the other gets 409 and a clear message", async () => {
    const [a, b] = await Promise.all([as(team.policy_lead), as(secondLead)]);
    await a.post(`/labels/${setId}/draft`, { intent: "start" });
    const versionId = await draftId();
    const { form } = await labelForm(versionId, "ve_incitement");
    expect(
      (await a.post(`/labels/${setId}/draft`, { ...form, notWhen: "The call to violence is quoted inside a news report or a condemnation." })).status,
    ).toBe(302);
    const [ra, rb] = await Promise.all([
      a.post(`/labels/${setId}/draft`, { intent: "publish", versionId, changeNote: "Incitement: quoted calls in a news frame are not incitement." }),
      b.post(`/labels/${setId}/draft`, { intent: "publish", versionId, changeNote: "Same change, second lead." }),
    ]);
    const statuses = [ra.status, rb.status].sort();
    expect(statuses).toEqual([302, 409]);
    const loser = ra.status === 409 ? ra : rb;
    expect(await loser.text()).toMatch(/already published by .*frozen now/);
    expect(await db.labelSetVersion.count({ where: { labelSetId: setId, status: "published" } })).toBe(1);
  });

  it("moving and retiring work as plain form posts", async () => {
    const lead = await as(team.policy_lead);
    await lead.post(`/labels/${setId}/draft`, { intent: "start" });
    const versionId = await draftId();
    const { label } = await labelForm(versionId, "ve_analysis_research");
    expect((await lead.post(`/labels/${setId}/draft`, { intent: "move", versionId, labelId: label.id, direction: "up" })).status).toBe(302);
    const allowed = (await getVersion(versionId))!.labels.filter((l) => l.group === "allowed").map((l) => l.key);
    expect(allowed[0]).toBe("ve_analysis_research");
    const retire = await lead.post(`/labels/${setId}/draft`, { intent: "retire", versionId, labelId: label.id });
    expect(retire.headers.get("location")).toContain("retired=ve_analysis_research");
    expect((await getVersion(versionId))!.labels.find((l) => l.id === label.id)!.retired).toBe(true);
    const editor = await (await lead.get(`/labels/${setId}/draft`)).text();
    expect(editor).toContain("Restore Analysis or research");
    expect((await lead.post(`/labels/${setId}/draft`, { intent: "discard", versionId })).status).toBe(302);
  });
});

describe("per-version usage", () => {
  it("the version page shows how often each label of that version was applied, and which labels go together", async () => {
    const live = (await liveLabelSets()).find((s) => s.setId === setId)!;
    await insertDecision(team.moderator, live.versionId, ["ve_condemnation", "ve_glorification"]);
    await insertDecision(team.moderator, live.versionId, ["ve_condemnation"]);
    const html = await (await (await as(team.auditor)).get(`/labels/${setId}/versions/${live.versionId}`)).text();
    const row = (name: string) => new RegExp(`${name}</a></th><td[^>]*>[^<]*</td><td[^>]*>(\\d+)</td>`).exec(html)?.[1];
    expect(row("Condemnation or counter-speech")).toBe("2");
    expect(row("Glorification")).toBe("1");
    expect(row("News reporting")).toBe("0");
    expect(html).toContain("Condemnation or counter-speech + Glorification: 1 decision");
  });
});

describe("import and export over HTTP", () => {
  it("export downloads the import format, and an invalid import is refused with field paths and imports nothing", async () => {
    const lead = await as(team.policy_lead);
    const res = await lead.get(`/labels/${setId}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="violent_extremism-v\d+\.json"/);
    const file = await res.json();
    expect(file).toMatchObject({ key: "violent_extremism", labels: expect.any(Array) });

    file.key = "imported_policy";
    file.labels[3].sor = { category: "STATEMENT_CATEGORY_MADE_UP", keywords: [], ground: "DECISION_GROUND_INCOMPATIBLE_CONTENT" };
    const before = { sets: await db.labelSet.count(), labels: await db.label.count(), versions: await db.labelSetVersion.count() };
    const refused = await lead.post("/labels/import", { json: JSON.stringify(file) });
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain("labels.3.sor.category");
    expect(html).toContain("nothing was imported");
    expect({ sets: await db.labelSet.count(), labels: await db.label.count(), versions: await db.labelSetVersion.count() }).toEqual(before);

    file.labels[3].sor = null;
    // The page's form uploads a file (multipart), as a browser does.
    const upload = new FormData();
    upload.append("file", new Blob([JSON.stringify(file)], { type: "application/json" }), "imported_policy.json");
    upload.append("json", "");
    const accepted = await lead.request("/labels/import", { method: "POST", body: upload });
    expect(accepted.status).toBe(302);
    expect(accepted.headers.get("location")).toMatch(/^\/labels\/[\w-]+\/draft\?imported=1$/);
    expect(await db.labelSet.count()).toBe(before.sets + 1);
  });
});

describe("GET /api/v1/label-sets", () => {
  it("answers every live version with its number, publication time and labels in use; refuses without a key", async () => {
    const { token } = await makeApiKey("labels");
    const res = await fetch(`${server.url}/api/v1/label-sets`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = await res.json();
    const live = await liveLabelSets();
    expect(body.labelSets).toHaveLength(live.length);
    const ve = body.labelSets.find((s: { key: string }) => s.key === "violent_extremism");
    const liveVe = live.find((s) => s.setKey === "violent_extremism")!;
    expect(ve.version).toBe(liveVe.versionNumber);
    expect(ve.publishedAt).toBe(liveVe.publishedAt!.toISOString());
    expect(ve.labels[0]).toEqual({
      key: expect.any(String),
      name: expect.any(String),
      group: expect.any(String),
      definition: expect.any(String),
      defaultAction: expect.any(String),
    });
    expect(ve.labels.map((l: { key: string }) => l.key)).toEqual(liveVe.labels.map((l) => l.key));

    const anonymous = await fetch(`${server.url}/api/v1/label-sets`);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe("unauthorized");
  });
});
