import { db } from "~/db.server.ts";
import { userActor } from "~/modules/auth/actor.ts";
import { ensureStarterLabelSet } from "~/modules/labels/starter.server.ts";
import { getVersion } from "~/modules/labels/sets.server.ts";
import { publishDraft, saveDraftLabel, startDraft } from "~/modules/labels/editor.server.ts";

const LEAD = "lead@docket.test";

async function leadActor() {
  const lead = await db.user.findUniqueOrThrow({ where: { email: LEAD } });
  return userActor(lead);
}

/** Demo step 1: the starter violent-extremism set, published as version 1 by the demo lead. */
export async function loadDemoLabelSets(): Promise<string> {
  const result = await ensureStarterLabelSet(await leadActor());
  return result.created ? "starter label set published as version 1" : "starter label set already present";
}

const NEWS_NOT_WHEN =
  "It embeds unedited propaganda, links to it, or adds praise. A headline or caption alone is not a frame: if the group's own material is most of the item, use propaganda distribution.";

/**
 * Demo step 2, after the demo decisions exist: the lead sharpens the news-reporting guidance and
 * publishes version 2, so decisions made under version 1 show the old text beside new ones.
 */
export async function loadDemoLabelEdit(): Promise<string> {
  const set = await db.labelSet.findUnique({ where: { key: "violent_extremism" }, select: { id: true } });
  if (!set) return "no violent-extremism set; label edit skipped";
  if (await db.labelSetVersion.findFirst({ where: { labelSetId: set.id, number: 2 }, select: { id: true } })) return "label set version 2 already present";
  const actor = await leadActor();
  const draft = await startDraft(actor, set.id);
  const version = await getVersion(draft.versionId);
  const news = version?.labels.find((l) => l.key === "ve_news_reporting");
  if (!news) return "no news-reporting label; label edit skipped";
  const { id: _id, versionId: _v, position: _p, retired: _r, ...fields } = news;
  await saveDraftLabel(actor, draft.versionId, news.id, {
    ...fields,
    notWhen: NEWS_NOT_WHEN,
    cues: [...fields.cues, "the outlet's own words frame any quoted material"],
  });
  await publishDraft(
    actor,
    draft.versionId,
    "News reporting: a headline alone is not a news frame; when the group's material is most of the item, it is distribution.",
  );
  return "label set version 2 published";
}
