import { db } from "~/db.server.ts";
import { env } from "~/env.server.ts";
import type { Role } from "~/modules/auth/capabilities.ts";
import { hashToken } from "~/modules/auth/session.server.ts";
import { claimAppealOrWhy } from "~/modules/appeals/claims.server.ts";
import { receiveAppeal, type AppealSender } from "~/modules/appeals/intake.server.ts";
import { decideAppeal } from "~/modules/appeals/review.server.ts";
import type { AppealOutcome } from "~/modules/appeals/standing.ts";
import { atTime } from "~/modules/clock/clock.server.ts";
import { currentTimeMs } from "~/modules/clock/clock.ts";
import type { DecisionAction } from "~/modules/decisions/actions.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { ingestFlags, type IntakeSender } from "~/modules/intake/ingest.server.ts";
import { FlagRequest } from "~/modules/intake/schema.ts";
import type { Source } from "~/modules/items/sources.ts";
import { liveLabelSetsForReason } from "~/modules/labels/live.server.ts";
import { adjudicate } from "~/modules/quality/adjudication.server.ts";
import { claimReviewOrWhy } from "~/modules/quality/reviews/claims.server.ts";
import { submitBlindReview } from "~/modules/quality/reviews/submit.server.ts";
import { saveSamplingRule } from "~/modules/quality/sampling-rules.server.ts";
import type { SamplingRuleInput } from "~/modules/quality/sampling.ts";
import { claimItemOrWhy } from "~/modules/queue/claims.server.ts";
import { addMember } from "~/modules/queue/queues.server.ts";

// Thirty days of the demo team's work before today, made through the real intake, claims, decisions,
// appeals and quality reviews, each run at its moment with atTime, day after day in the order it
// happened: busier weekdays than weekends, a backlog that builds while the team is short and is then
// worked off, removal orders mostly actioned within the hour (three not), appeals answered both ways,
// and a month's sampling rule whose blind second reviews mostly agree. Synthetic material only.
// See docs/decisions/049-demo-history.md.

/** Every item, flag and appeal of the history has an externalId with this prefix: the step's marker. */
export const HISTORY_PREFIX = "demo-history-";
export const HISTORY_DAYS = 30;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const APPEALS_QUEUE = "queue-appeals";

type Person = { id: string; email: string; role: Role };
type Kind = "news" | "analysis" | "condemnation" | "praise" | "recruitment" | "propaganda" | "representation";
const KINDS: Kind[] = ["news", "analysis", "condemnation", "praise", "recruitment", "propaganda", "representation"];

const GROUPS = ["the Northern Ember Front", "the Placeholder Cell", "the Grey Lantern Circle", "the Hollow Oak Brigade"];
const TOWNS = ["Easthaven", "Marlow Bridge", "Kestrel Bay", "Ashford Vale", "Norrington", "Sable Point", "Fenwick Cross"];
const PLACES = ["the old market", "the river bridge", "the town hall", "the station square", "the harbour wall", "the ring road"];
const LANGUAGES = ["de", "fr", "es", "nl"];

const TEXT: Record<Kind, (g: string, t: string, p: string, n: number) => { title: string; body: string }> = {
  news: (g, t, p, n) => ({
    title: `${t} bulletin ${n}`,
    body: `${t} evening bulletin: supporters of ${g} gathered near ${p}; police kept the crowd apart and reported no arrests. [synthetic report H${n}]`,
  }),
  analysis: (g, t, p, n) => ({
    title: `Inside the messaging of ${g} (${n})`,
    body: `A study group in ${t} traced how ${g} words its posts about ${p} to draw in young followers, and what moderators can look for. [synthetic analysis H${n}]`,
  }),
  condemnation: (g, t, p, n) => ({
    title: `Residents answer ${g} (${n})`,
    body: `Residents of ${t} met at ${p} to reject ${g} and its threats; speakers asked neighbours to report its posts. [synthetic statement H${n}]`,
  }),
  praise: (g, t, _p, n) => ({
    title: `Salute (synthetic example H${n})`,
    body: `${g} showed ${t} what courage looks like; honour to every one of them! [fictional praise line, placeholder H${n}]`,
  }),
  recruitment: (g, _t, p, n) => ({
    title: `Meet us (synthetic example H${n})`,
    body: `${g} is looking for new members: meet at ${p} or message [placeholder-handle-h${n}]. [fictional recruitment line]`,
  }),
  propaganda: (g, _t, _p, n) => ({
    title: `Watch and share (${n})`,
    body: `New video from ${g}, download it and post it everywhere before it disappears. [fictional propaganda share H${n}]`,
  }),
  representation: (g, _t, _p, n) => ({
    title: `Avatar ${n}`,
    body: `Account avatar showing the flag of ${g}, no text. [synthetic example H${n}]`,
  }),
};

/** What the team decides for each kind of post, and under which label. */
const DECIDED: Record<Kind, { action: "keep" | "remove" | "restrict"; label: string; rationale: string }> = {
  news: { action: "keep", label: "ve_news_reporting", rationale: "" },
  analysis: { action: "keep", label: "ve_analysis_research", rationale: "" },
  condemnation: { action: "keep", label: "ve_condemnation", rationale: "" },
  praise: { action: "remove", label: "ve_glorification", rationale: "Praises a violent group (synthetic demo decision)." },
  recruitment: { action: "remove", label: "ve_recruitment", rationale: "Invites people to join a violent group (synthetic demo decision)." },
  propaganda: { action: "remove", label: "ve_propaganda_distribution", rationale: "Spreads a violent group's material (synthetic demo decision)." },
  representation: { action: "restrict", label: "ve_representation", rationale: "Shows the group's flag without context; restrict reach." },
};

/** How a blind second reviewer reads a post otherwise than the first. */
const SECOND_READING: Record<"keep" | "remove" | "restrict", { action: "keep" | "remove" | "restrict"; label: string; rationale: string }> = {
  keep: { action: "remove", label: "ve_glorification", rationale: "Reads as praise of the group rather than reporting (synthetic demo review)." },
  remove: { action: "keep", label: "ve_condemnation", rationale: "Quotes the group to reject it (synthetic demo review)." },
  restrict: { action: "keep", label: "ve_news_reporting", rationale: "The flag appears in a news photo (synthetic demo review)." },
};

/** Last month's sampling rule: the English queue's decisions, one in seven, retired at the end of the month. */
const monthRule = (queueId: string, active: boolean): SamplingRuleInput => ({
  name: "Violent extremism EN: one in seven (last month's trial)",
  queueId,
  labelSetId: null,
  moderatorId: null,
  percent: 15,
  minPerWeek: 0,
  quotaKeep: 0,
  quotaRemove: 0,
  quotaRestrict: 0,
  active,
});

type Arrived = { itemId: string; queueId: string | null; n: number; kind: Kind; source: Source; author: string; reporterId: string | null };
type Made = Arrived & { decisionId: string; action: DecisionAction; day: number };
type Step = { at: number; run: () => Promise<void> };

/** The first moment of the history: the team was set up that morning. */
export function historyStart(now = currentTimeMs()): Date {
  const today = Math.floor(now / DAY) * DAY;
  return new Date(today - HISTORY_DAYS * DAY + 6 * HOUR);
}

/**
 * Whether a history can still be written: the audit log holds nothing later than the history's first
 * step (a fresh database, or one whose demo accounts, label set and routing were set up at its start).
 * A past added after a present would put the log's times out of order.
 */
export async function historyFits(now = currentTimeMs()): Promise<boolean> {
  const newest = await db.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { at: true } });
  return !newest || newest.at.getTime() < historyStart(now).getTime() + HOUR;
}

/** Items arriving on day `d` of the history (weekday or weekend), removal orders apart. */
function arrivalsOn(d: number, weekend: boolean): number {
  return weekend ? 3 + (d % 3) : 10 + ((d * 7) % 4);
}

/**
 * Decisions the team can make on day `d`: it keeps up for ten days, is short-staffed for eight
 * (the backlog builds), then works the backlog off and keeps up again.
 */
function capacityOn(d: number, weekend: boolean, arriving: number, open: number): number {
  if (d === HISTORY_DAYS - 1) return open + arriving;
  if (d < 10) return arriving + 2;
  if (d < 18) return Math.round(arriving * 0.4);
  return arriving + (weekend ? 3 : 8);
}

export async function loadDemoHistory(): Promise<string> {
  if ((await db.item.count({ where: { externalId: { startsWith: HISTORY_PREFIX } } })) > 0) return "history already there";
  if (!(await historyFits())) return "no history (the audit log already holds later events, and its times must not go back)";
  const key = await db.apiKey.findUnique({ where: { hash: hashToken(env.DOCKET_DEMO_API_KEY) } });
  const users = await db.user.findMany({ where: { email: { in: ["mod1@docket.test", "mod2@docket.test", "lead@docket.test"] } } });
  const by = new Map(users.map((u) => [u.email, { id: u.id, email: u.email, role: u.role as Role }]));
  const [mod1, mod2, lead] = [by.get("mod1@docket.test"), by.get("mod2@docket.test"), by.get("lead@docket.test")];
  const english = await db.queue.findFirst({ where: { name: "Violent extremism EN", deletedAt: null }, select: { id: true } });
  if (!key || !mod1 || !mod2 || !lead || !english) return "no history (demo accounts, key or queues missing)";
  const labels = new Map((await liveLabelSetsForReason("violent_extremism")).flatMap((s) => s.labels).map((l) => [l.key, l.id]));
  if (labels.size === 0) return "no history (no published label set)";
  const label = (k: string) => labels.get(k)!;

  const sender: IntakeSender = { platform: key.platform, apiKeyId: key.id, actor: { kind: "api_key", id: key.id, name: key.name } };
  const appealSender: AppealSender = { ...sender, recordedById: null, channel: "api" };
  const leadActor = { kind: "user" as const, ...lead };
  const start = historyStart();

  let ruleId = "";
  await atTime(new Date(start.getTime() + HOUR), async () => {
    for (const user of [mod1, mod2, lead]) await addMember({ kind: "system", name: "demo" }, APPEALS_QUEUE, user.id);
    ruleId = await saveSamplingRule(leadActor, monthRule(english.id, true));
  });

  // Who may claim what: each item goes to a member of its queue, as the queue's "Next" would serve it.
  const members = new Set((await db.queueMember.findMany({ select: { queueId: true, userId: true } })).map((m) => `${m.queueId}:${m.userId}`));
  let n = 0;
  let removalOrders = 0;
  let reviewsByModerators = 0;
  const backlog: Arrived[] = [];
  const escalated: Arrived[] = [];
  const made: Made[] = [];
  const appealed = new Set<string>();
  const openAppeals: { appealId: string; against: Made; outcome: AppealOutcome }[] = [];
  const tally = { items: 0, decisions: 0, missed: 0, appeals: 0, reviews: 0, disagreed: 0 };

  /** Claims the item as the first of `people` who may, and decides it. */
  const decideAs = async (people: Person[], item: Arrived, action: DecisionAction, day: number): Promise<boolean> => {
    for (const user of people) {
      const claim = await claimItemOrWhy(user, item.itemId);
      if ("refused" in claim || claim.itemId !== item.itemId) continue;
      const plan = action === "escalate" ? null : DECIDED[item.kind];
      const labelKey = action === "escalate" ? "ve_needs_specialist" : plan!.label;
      const rationale =
        action === "escalate" ? "Unclear whether this reports on the group or praises it; needs a policy lead." : action === "keep" ? "" : plan!.rationale;
      const { decisionId } = await decide(user, { itemId: item.itemId, claimId: claim.claimId, action, labelIds: [label(labelKey)], rationale });
      tally.decisions++;
      if (action === "escalate") escalated.push(item);
      else made.push({ ...item, decisionId, action, day });
      return true;
    }
    return false;
  };

  const content = (kind: Kind, at: number, opts: { language?: string; title?: string; body?: string } = {}) => {
    n++;
    const text = TEXT[kind](GROUPS[n % GROUPS.length], TOWNS[(n * 3) % TOWNS.length], PLACES[(n * 5) % PLACES.length], n);
    return {
      externalId: `${HISTORY_PREFIX}post-${n}`,
      type: "text" as const,
      title: opts.title ?? text.title,
      body: opts.body ?? text.body,
      language: opts.language ?? "en",
      postedAt: new Date(at - (2 + (n % 30)) * HOUR).toISOString(),
      author: { externalId: `${HISTORY_PREFIX}author-${n % 53}`, handle: `demo_history_account_${n % 53}` },
    };
  };

  const arrive = async (entries: FlagRequest[], kinds: Kind[]): Promise<Arrived[]> => {
    const results = await ingestFlags(sender, entries, "batch");
    tally.items += results.filter((r) => r.newItem).length;
    const routed = await db.item.findMany({ where: { id: { in: results.map((r) => r.itemId) } }, select: { id: true, queueId: true } });
    const queueOf = new Map(routed.map((i) => [i.id, i.queueId]));
    return results.map((r, i) => ({
      itemId: r.itemId,
      queueId: queueOf.get(r.itemId) ?? null,
      n: Number(entries[i].content.externalId.split("-").pop()),
      kind: kinds[i],
      source: entries[i].flag.source,
      author: entries[i].content.author?.externalId ?? "",
      reporterId: entries[i].flag.reporterId ?? null,
    }));
  };

  const batch = (count: number, at: number): Step => ({
    at,
    run: async () => {
      const entries: FlagRequest[] = [];
      const kinds: Kind[] = [];
      for (let i = 0; i < count; i++) {
        const kind = KINDS[((n + 1) * 3) % KINDS.length];
        const c = content(kind, at, { language: n % 4 === 2 ? LANGUAGES[n % LANGUAGES.length] : "en" });
        const r = n % 20;
        const source: Source = r < 10 ? "user_report" : r < 14 ? "trusted_flagger" : r < 18 ? "automated" : "authority_referral";
        entries.push(
          FlagRequest.parse({
            content: c,
            flag: {
              externalId: `${HISTORY_PREFIX}flag-${n}`,
              source,
              reason: kind === "representation" ? "terrorist_content" : "violent_extremism",
              receivedAt: new Date(at - ((n * 17) % 170) * MINUTE).toISOString(),
              ...(source === "user_report" ? { reporterId: `${HISTORY_PREFIX}reporter-${n % 61}`, note: "I think this supports a violent group." } : {}),
              ...(source === "trusted_flagger" ? { reference: `TF-H-${n}`, note: "Notice from a trusted flagger (synthetic)." } : {}),
              ...(source === "automated" ? { note: `classifier score 0.${70 + (n % 29)}` } : {}),
              ...(source === "authority_referral" ? { reference: `IRU-H-${n}` } : {}),
            },
          }),
        );
        kinds.push(kind);
      }
      backlog.push(...(await arrive(entries, kinds)));
    },
  });

  /** A removal order on each weekday: the on-call team acts within the hour, except three times. */
  const removalOrder = (at: number, day: number): Step[] => {
    let order: Arrived | undefined;
    const index = ++removalOrders;
    const late = [3, 10, 17].includes(index);
    const kind: Kind = index % 2 ? "propaganda" : "recruitment";
    const reference = `TCO-RO-H-${index}`;
    return [
      {
        at,
        run: async () => {
          const flag = FlagRequest.parse({
            content: content(kind, at),
            flag: {
              externalId: `${HISTORY_PREFIX}flag-${n}`,
              source: "removal_order",
              reason: "violent_extremism",
              reference,
              note: "Removal order issued by a competent authority (synthetic).",
              receivedAt: new Date(at).toISOString(),
            },
          });
          [order] = await arrive([flag], [kind]);
        },
      },
      {
        at: at + (late ? 95 + (day % 3) * 20 : 18 + ((day * 7) % 30)) * MINUTE,
        run: async () => {
          if (order && (await decideAs([mod1, lead], order, "remove", day)) && late) tally.missed++;
        },
      },
    ];
  };

  /** A work session: the moderators take the oldest waiting items, alternating who goes first. */
  const session = (at: number, take: () => number, day: number): Step => ({
    at,
    run: async () => {
      for (let i = take(); i > 0 && backlog.length > 0; i--) {
        const item = backlog.shift()!;
        const people = (item.n % 2 ? [mod1, mod2, lead] : [mod2, mod1, lead]).filter((p) => members.has(`${item.queueId}:${p.id}`));
        const action: DecisionAction = item.n % 15 === 7 ? "escalate" : DECIDED[item.kind].action;
        await decideAs(people, item, action, day);
      }
    },
  });

  /** The lead's evening pass over the escalations: each decided as its kind calls for. */
  const escalations = (at: number, day: number): Step => ({
    at,
    run: async () => {
      for (const item of escalated.splice(0)) await decideAs([lead], item, DECIDED[item.kind].action, day);
    },
  });

  /** The other moderator reviews each sampled decision blind; every fourth of theirs reads it otherwise. */
  const secondReviews = (at: number): Step => ({
    at,
    run: async () => {
      const open = await db.qualityReview.findMany({ where: { state: "open", ruleId }, orderBy: { sampledAt: "asc" } });
      for (const review of open) {
        const first = await db.decision.findUniqueOrThrow({ where: { id: review.decisionId }, select: { action: true, labelKeys: true, rationale: true } });
        const reviewer = review.firstUserId === mod1.id ? mod2 : review.firstUserId === mod2.id ? mod1 : null;
        if (!reviewer) continue;
        const claim = await claimReviewOrWhy(reviewer, review.id);
        if ("refused" in claim) continue;
        const firstAction = first.action as "keep" | "remove" | "restrict";
        const differ = reviewsByModerators++ % 4 === 1 ? SECOND_READING[firstAction] : undefined;
        const keys = differ ? [differ.label] : (JSON.parse(first.labelKeys) as string[]);
        const result = await submitBlindReview(reviewer, {
          reviewId: review.id,
          claimId: claim.claimId,
          action: differ?.action ?? firstAction,
          labelIds: keys.map(label),
          rationale: differ?.rationale ?? (first.rationale || "Agrees with the guidance examples (synthetic demo review)."),
        });
        tally.reviews++;
        if (!result.agreed) tally.disagreed++;
      }
    },
  });

  /** The lead rules on the disagreements; every third ruling finds the second review right and corrects the decision. */
  let rulings = 0;
  const adjudications = (at: number): Step => ({
    at,
    run: async () => {
      const waiting = await db.qualityReview.findMany({ where: { state: "disagreed", ruleId }, orderBy: { sampledAt: "asc" } });
      for (const review of waiting) {
        const correct = rulings++ % 3 === 0;
        await adjudicate(lead, review.id, {
          ruling: correct ? "second" : "first",
          errorType: correct ? "false_positive" : "wrong_label",
          note: correct
            ? "The second review is right; the guidance gets another example (synthetic demo ruling)."
            : "The first decision stands; the guidance covers this case (synthetic demo ruling).",
          correct,
          action: correct ? (review.action as "keep" | "remove" | "restrict") : undefined,
          labelIds: correct ? (JSON.parse(review.labelKeys) as string[]).map(label) : [],
          rationale: correct ? "Corrected after quality review (synthetic demo)." : "",
        });
      }
    },
  });

  /** An appeal against an earlier decision of the history: authors contest removals and restrictions, notifiers a keep. */
  let appeals = 0;
  const appeal = (at: number, day: number): Step => ({
    at,
    run: async () => {
      const byNotifier = appeals % 3 === 2;
      for (const against of made) {
        if (against.day >= day || appealed.has(against.itemId)) continue;
        if (byNotifier ? against.action !== "keep" || !against.reporterId : against.action === "keep" || against.source === "removal_order") continue;
        if ((await db.qualityReview.count({ where: { itemId: against.itemId } })) > 0) continue;
        appealed.add(against.itemId);
        const { appealId } = await receiveAppeal(appealSender, {
          externalId: `${HISTORY_PREFIX}appeal-${++appeals}`,
          decisionId: against.decisionId,
          appellant: byNotifier ? { role: "notifier", externalId: against.reporterId! } : { role: "content_author", externalId: against.author },
          statement: byNotifier
            ? "I reported this post because it supports a violent group, and it was left up. [synthetic appeal]"
            : "My post does not support any group; please look at it again. [synthetic appeal]",
        });
        tally.appeals++;
        openAppeals.push({ appealId, against, outcome: appeals % 3 === 1 ? "upheld" : "overturned" });
        return;
      }
    },
  });

  /** Appeals at least a day old are answered by a reviewer who took no part in the decision. */
  const appealReviews = (at: number, all = false): Step => ({
    at,
    run: async () => {
      for (const open of [...openAppeals]) {
        const received = await db.appeal.findUniqueOrThrow({ where: { id: open.appealId }, select: { receivedAt: true } });
        if (!all && received.receivedAt.getTime() > currentTimeMs() - DAY) continue;
        const overturn = open.outcome === "overturned";
        const to = overturn ? (open.against.action === "keep" ? SECOND_READING.keep : { action: "keep" as const, label: "ve_news_reporting" }) : null;
        for (const user of [lead, mod1, mod2]) {
          const claim = await claimAppealOrWhy(user, open.appealId);
          if ("refused" in claim) continue;
          await decideAppeal(user, {
            appealId: open.appealId,
            claimId: claim.claimId,
            outcome: open.outcome,
            action: to?.action,
            labelIds: to ? [label(to.label)] : undefined,
            rationale: overturn
              ? "On a second look the first decision did not fit the post (synthetic demo appeal review)."
              : "The first decision fits the post and the guidance (synthetic demo appeal review).",
            summary: overturn
              ? "We looked at the post again and changed our decision."
              : "We looked at the post again and our decision stands, for the reasons given.",
          });
          openAppeals.splice(openAppeals.indexOf(open), 1);
          break;
        }
      }
    },
  });

  for (let d = 0; d < HISTORY_DAYS; d++) {
    const day = start.getTime() - 6 * HOUR + d * DAY;
    const weekend = [0, 6].includes(new Date(day).getUTCDay());
    const last = d === HISTORY_DAYS - 1;
    const at = (h: number, m = 0) => day + h * HOUR + m * MINUTE;
    const arriving = arrivalsOn(d, weekend);
    const sessions = weekend ? [at(11), at(16)] : [at(9), at(11, 30), at(14, 30), at(17)];
    const batches = weekend ? [at(10), at(15)] : [at(7, 30), at(10, 30), at(13, 30), at(16, 30)];
    let capacity = 0;
    let sessionsLeft = sessions.length;
    const take = () => {
      if (sessionsLeft === sessions.length) capacity = capacityOn(d, weekend, arriving, backlog.length);
      const share = last && sessionsLeft === 1 ? backlog.length : Math.ceil(capacity / sessionsLeft);
      sessionsLeft--;
      capacity -= share;
      return share;
    };
    const steps: Step[] = [
      ...batches.map((t, i) => batch(Math.floor(arriving / batches.length) + (i < arriving % batches.length ? 1 : 0), t)),
      ...sessions.map((t) => session(t, take, d)),
      escalations(at(18, 15), d),
      secondReviews(at(weekend ? 16 : 17, 45)),
      adjudications(at(8, 30)),
    ];
    if (!weekend) steps.push(...removalOrder(at(10, 40) + (d % 4) * 55 * MINUTE, d));
    if (d >= 3 && d % 3 === 0 && d < HISTORY_DAYS - 2) steps.push(appeal(at(13, 5), d));
    steps.push(appealReviews(at(10, 15)));
    if (last) steps.push(secondReviews(at(18, 30)), adjudications(at(18, 40)), appealReviews(at(18, 50), true));
    steps.sort((a, b) => a.at - b.at);
    for (const step of steps) await atTime(new Date(step.at), step.run);
  }
  await atTime(new Date(start.getTime() + (HISTORY_DAYS - 1) * DAY + 13 * HOUR), () => saveSamplingRule(leadActor, monthRule(english.id, false), ruleId));
  return (
    `history of ${HISTORY_DAYS} days: ${tally.items} items, ${tally.decisions} decisions, ${removalOrders} removal orders (${tally.missed} late), ` +
    `${tally.appeals} appeals, ${tally.reviews} second reviews (${tally.disagreed} disagreeing)`
  );
}
