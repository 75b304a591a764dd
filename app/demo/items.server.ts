import { db } from "~/db.server.ts";
import { env } from "~/env.server.ts";
import { hashToken } from "~/modules/auth/session.server.ts";
import type { Role } from "~/modules/auth/capabilities.ts";
import type { DecisionAction } from "~/modules/decisions/actions.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { ingestFlags, type IntakeSender } from "~/modules/intake/ingest.server.ts";
import { FlagRequest } from "~/modules/intake/schema.ts";
import { liveLabelSetsForReason } from "~/modules/labels/live.server.ts";
import { ESCALATED_STATE, INITIAL_STATE } from "~/modules/items/lifecycle.ts";
import { assignItem } from "~/modules/queue/assignment.server.ts";
import { claimItemOrWhy, type ClaimedItem } from "~/modules/queue/claims.server.ts";
import { SOURCES, type Source } from "~/modules/items/sources.ts";

// Synthetic material only: news-style lines about fictional groups, and clearly fictional praise
// or recruitment lines with placeholder names. Nothing operational.
const GROUPS = ["the Northern Ember Front", "the Placeholder Cell", "the Grey Lantern Circle"];
const TOWNS = ["Easthaven", "Marlow Bridge", "Kestrel Bay", "Ashford Vale", "Norrington", "Sable Point"];
const LANGUAGES = ["en", "en", "en", "de", "fr", "es", "nl", "pt-BR", "it"];

type Kind = "news" | "analysis" | "condemnation" | "praise" | "recruitment" | "propaganda" | "representation";
const TEXT: Record<Kind, (g: string, t: string, n: number) => { title: string; body: string }> = {
  news: (g, t, n) => ({
    title: `Rally in ${t} (report ${n})`,
    body: `Local news: ${g} held a rally in ${t} on Saturday. Police said the event ended without injuries. Report no. ${n}.`,
  }),
  analysis: (g, t, n) => ({
    title: `How ${g} recruits online`,
    body: `A researcher in ${t} explains the coded language ${g} uses to attract followers, and how platforms can spot it. Analysis no. ${n}.`,
  }),
  condemnation: (g, t, n) => ({
    title: `${t} leaders condemn ${g}`,
    body: `Community leaders in ${t} condemned ${g} after its latest statement and called for calm. Statement no. ${n}.`,
  }),
  praise: (g, _t, n) => ({
    title: `Heroes (synthetic example ${n})`,
    body: `${g} are true heroes and everyone should stand with them! [fictional praise line, placeholder ${n}]`,
  }),
  recruitment: (g, _t, n) => ({
    title: `Join us (synthetic example ${n})`,
    body: `Join ${g} today: message [placeholder-handle-${n}] to sign up. [fictional recruitment line]`,
  }),
  propaganda: (g, _t, n) => ({
    title: `Share before it is gone (${n})`,
    body: `Reposting the latest ${g} video again, spread it everywhere before it is removed. [fictional propaganda share ${n}]`,
  }),
  representation: (g, _t, n) => ({ title: `${g} emblem`, body: `Profile banner showing the emblem of ${g} with no caption. [synthetic example ${n}]` }),
};
const KINDS: Kind[] = ["news", "analysis", "condemnation", "praise", "recruitment", "propaganda", "representation"];

const BULK_REFERRAL_TEXT = {
  title: "Placeholder Cell poster",
  body: "Join the Placeholder Cell: the future belongs to us. [fictional recruitment poster used as demo material, referral copy]",
};

function raw(
  n: number,
  source: Source,
  kind: Kind,
  opts: {
    receivedAt?: Date;
    reference?: string;
    reporterId?: string;
    note?: string;
    content?: { title: string; body: string };
    image?: boolean;
    externalId?: string;
  } = {},
) {
  const group = GROUPS[n % GROUPS.length];
  const town = TOWNS[n % TOWNS.length];
  const text = opts.content ?? TEXT[kind](group, town, n);
  return FlagRequest.parse({
    content: {
      externalId: opts.externalId ?? `demo-post-${n}`,
      type: opts.image ? "image" : n % 11 === 0 ? "link" : "text",
      ...text,
      ...(n % 11 === 0 ? { url: `https://example.test/articles/${n}` } : {}),
      ...(opts.image ? { mediaUrls: [`https://media.demo.docket.test/images/${n}.jpg`] } : {}),
      language: LANGUAGES[n % LANGUAGES.length],
      postedAt: new Date(Date.now() - (n % 72) * 3600_000 - 86_400_000).toISOString(),
      author: { externalId: `demo-user-${n % 40}`, handle: `demo_account_${n % 40}` },
    },
    flag: {
      externalId: `demo-flag-${source}-${n}-${opts.reporterId ?? "x"}`,
      source,
      reason: kind === "representation" ? "terrorist_content" : "violent_extremism",
      ...(opts.note ? { note: opts.note } : {}),
      ...(opts.reference ? { reference: opts.reference } : {}),
      ...(opts.reporterId ? { reporterId: opts.reporterId } : {}),
      ...(opts.receivedAt ? { receivedAt: opts.receivedAt.toISOString() } : {}),
    },
  });
}

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);

/**
 * Demo items and a decision history, made through intake, claims and decisions so the audit
 * chain and decision snapshots are real. Skips everything when its items already exist.
 */
export async function loadDemoItems(): Promise<string> {
  if ((await db.item.count({ where: { externalId: { startsWith: "demo-post-" } } })) > 0) return "items already present, none added";
  const key = await db.apiKey.findUnique({ where: { hash: hashToken(env.DOCKET_DEMO_API_KEY) } });
  const sender: IntakeSender = key
    ? { platform: key.platform, apiKeyId: key.id, actor: { kind: "api_key", id: key.id, name: key.name } }
    : { platform: "demo", apiKeyId: null, actor: { kind: "system", name: "demo" } };

  const entries: FlagRequest[] = [];
  let n = 0;
  // Removal orders: one-hour clocks, some already overdue, some close, some fresh.
  for (const minutes of [150, 95, 75, 50, 35, 10, 2]) {
    n++;
    entries.push(
      raw(n, "removal_order", n % 2 ? "propaganda" : "recruitment", {
        receivedAt: ago(minutes),
        reference: `TCO-RO-2026-${1000 + n}`,
        note: "Removal order issued by a competent authority (synthetic).",
      }),
    );
  }
  // Trusted flaggers.
  for (let i = 0; i < 45; i++) {
    n++;
    entries.push(
      raw(n, "trusted_flagger", KINDS[i % KINDS.length], {
        receivedAt: ago(30 + i * 37),
        reference: `TF-NOTICE-${n}`,
        note: "Notice from a trusted flagger (synthetic).",
      }),
    );
  }
  // User reports, some items reported by several people.
  for (let i = 0; i < 150; i++) {
    n++;
    const kind = KINDS[(i * 3) % KINDS.length];
    const reporters = i % 10 === 0 ? 4 : 1;
    for (let r = 0; r < reporters; r++) {
      entries.push(
        raw(n, "user_report", kind, {
          receivedAt: ago(20 + i * 29 + r),
          reporterId: `reporter-${(i + r) % 97}`,
          note: r === 0 ? "I think this supports a violent group." : undefined,
          image: i % 9 === 0,
        }),
      );
    }
  }
  // Automated detection.
  for (let i = 0; i < 50; i++) {
    n++;
    entries.push(
      raw(n, "automated", KINDS[(i * 5) % KINDS.length], { receivedAt: ago(5 + i * 13), note: `classifier score 0.${70 + (i % 29)}`, image: i % 4 === 0 }),
    );
  }
  // Authority referrals: a few single ones...
  for (let i = 0; i < 15; i++) {
    n++;
    entries.push(raw(n, "authority_referral", KINDS[(i * 2) % KINDS.length], { receivedAt: ago(60 + i * 45), reference: `IRU-2026-${200 + i}` }));
  }
  // ...and one bulk referral action delivering many copies of the same poster.
  const bulkStart = n + 1;
  for (let i = 0; i < 60; i++) {
    n++;
    entries.push(
      raw(n, "authority_referral", "recruitment", {
        receivedAt: ago(40),
        reference: `IRU-ACTION-2026-07/${i + 1}`,
        content: BULK_REFERRAL_TEXT,
        note: "Part of a referral action (synthetic).",
      }),
    );
  }
  // A second, smaller group of copies that the history decides in one go.
  const smallCopies = n + 1;
  for (let i = 0; i < 6; i++) {
    n++;
    entries.push(
      raw(n, "user_report", "praise", {
        receivedAt: ago(300),
        reporterId: `reporter-copy-${i}`,
        content: { title: "Fan page post", body: "The Grey Lantern Circle are heroes! [fictional praise line, copied across accounts]" },
      }),
    );
  }
  // Notices for a category no routing rule covers: they wait on the unrouted list for a lead.
  for (let i = 0; i < 3; i++) {
    n++;
    const entry = raw(n, "user_report", "news", { receivedAt: ago(25 + i * 40), reporterId: `reporter-hate-${i}` });
    entries.push({ ...entry, flag: { ...entry.flag, reason: "hate_speech", note: "Insulting language about a group of people (synthetic)." } });
  }
  // Content flagged by more than one kind of source.
  for (let i = 0; i < 5; i++) {
    entries.push(raw(60 + i, "trusted_flagger", "praise", { receivedAt: ago(90), reference: `TF-NOTICE-X${i}`, reporterId: `tf-${i}` }));
  }
  for (let i = 0; i < entries.length; i += 500) await ingestFlags(sender, entries.slice(i, i + 500), "batch");

  const summary = await demoHistory(sender.platform, smallCopies);
  const items = await db.item.count();
  const flags = await db.flag.count();
  return `${items} items and ${flags} flags (bulk referral: ${n - bulkStart + 1 - 6} copies), ${summary}`;
}

async function demoHistory(platform: string, smallCopies: number): Promise<string> {
  const users = await db.user.findMany({ where: { email: { in: ["mod1@docket.test", "mod2@docket.test", "lead@docket.test"] } } });
  const byEmail = new Map(users.map((u) => [u.email, { id: u.id, email: u.email, role: u.role as Role }]));
  const mod1 = byEmail.get("mod1@docket.test");
  const mod2 = byEmail.get("mod2@docket.test");
  const lead = byEmail.get("lead@docket.test");
  if (!mod1 || !mod2 || !lead) return "no history (demo accounts missing)";
  const sets = await liveLabelSetsForReason("violent_extremism");
  const labels = new Map(sets.flatMap((s) => s.labels).map((l) => [l.key, l.id]));
  if (labels.size === 0) return "no history (no published label set)";
  const id = (k: string) => labels.get(k)!;

  const plan: Record<DecisionAction, { labels: string[]; rationale: string }> = {
    keep: { labels: ["ve_news_reporting"], rationale: "" },
    remove: { labels: ["ve_recruitment"], rationale: "Invites people to join a violent group (synthetic demo decision)." },
    restrict: { labels: ["ve_representation"], rationale: "Shows the group's emblem without context; restrict reach." },
    escalate: { labels: ["ve_needs_specialist"], rationale: "Unclear whether this is reporting or praise; needs a policy lead." },
  };
  let decisions = 0;
  const escalated: string[] = [];
  let turn = 0;
  for (const source of SOURCES) {
    const candidates = await db.item.findMany({
      where: { platform, strongestSource: source, state: INITIAL_STATE, contentDigest: { not: null } },
      // The freshest removal orders are decided, so the oldest stay in the queue overdue.
      orderBy: { firstFlaggedAt: source === "removal_order" ? "desc" : "asc" },
      take: 20,
      select: { id: true, contentDigest: true },
    });
    const seenDigests = new Set<string>();
    const unique = candidates.filter((c) => !seenDigests.has(c.contentDigest!) && seenDigests.add(c.contentDigest!));
    const actions: DecisionAction[] =
      source === "removal_order" ? ["remove", "keep", "escalate"] : ["keep", "remove", "restrict", "escalate", "keep", "remove", "escalate"];
    for (const [i, action] of actions.entries()) {
      const item = unique[i];
      if (!item) break;
      // Each moderator works the queues they are a member of: whoever may take the item takes it.
      const [first, second] = turn++ % 2 === 0 ? [mod1, mod2] : [mod2, mod1];
      const taken = await claimBy([first, second], item.id);
      if (!taken) continue;
      const { user, claim } = taken;
      await decide(user, { itemId: item.id, claimId: claim.claimId, action, labelIds: plan[action].labels.map(id), rationale: plan[action].rationale });
      decisions++;
      if (action === "escalate") escalated.push(item.id);
    }
  }
  // One decision applied to a group of copies.
  const copy = await db.item.findFirst({ where: { platform, externalId: `demo-post-${smallCopies}` } });
  if (copy) {
    const taken = await claimBy([mod2, mod1], copy.id);
    if (taken) {
      const { user, claim } = taken;
      const r = await decide(user, {
        itemId: copy.id,
        claimId: claim.claimId,
        action: "remove",
        labelIds: [id("ve_glorification")],
        rationale: "Praises a violent group; the same text was posted from several accounts.",
        cluster: { memberIds: "all" },
      });
      decisions += 1 + r.copies;
    }
  }
  // The lead closes some escalations and leaves the rest open.
  for (const itemId of escalated.slice(0, 3)) {
    const taken = await claimBy([lead], itemId);
    if (!taken) continue;
    const { claim } = taken;
    const action: DecisionAction = decisions % 2 ? "keep" : "remove";
    await decide(lead, {
      itemId,
      claimId: claim.claimId,
      action,
      labelIds: [id(action === "keep" ? "ve_condemnation" : "ve_glorification")],
      rationale: action === "keep" ? "On review it condemns the group." : "On review it glorifies the group.",
    });
    decisions++;
  }
  // A lead hands one waiting item to a named moderator.
  const waiting = await db.item.findFirst({
    where: { platform, state: INITIAL_STATE, queueId: { not: null }, strongestSource: "user_report", language: { not: "en" } },
    orderBy: { firstFlaggedAt: "asc" },
  });
  if (waiting) {
    await assignItem(lead, { itemId: waiting.id, assigneeId: mod2.id, reason: "Needs a reader of the language; Max knows the context." }).catch(() => {});
  }
  const open = await db.item.count({ where: { state: ESCALATED_STATE } });
  return `${decisions} decisions, ${open} escalations open`;
}

/** The first of these users who may claim the item (a member of its queue), with the claim. */
async function claimBy(
  users: { id: string; email: string; role: Role }[],
  itemId: string,
): Promise<{ user: (typeof users)[number]; claim: ClaimedItem } | null> {
  for (const user of users) {
    const claim = await claimItemOrWhy(user, itemId);
    if (!("refused" in claim) && claim.itemId === itemId) return { user, claim };
  }
  return null;
}
