import { db } from "~/db.server.ts";
import { env } from "~/env.server.ts";
import type { Role } from "~/modules/auth/capabilities.ts";
import { hashToken } from "~/modules/auth/session.server.ts";
import { claimAppealOrWhy } from "~/modules/appeals/claims.server.ts";
import { AppealError } from "~/modules/appeals/errors.ts";
import { receiveAppeal, type AppealSender } from "~/modules/appeals/intake.server.ts";
import { recordAppeal } from "~/modules/appeals/record.server.ts";
import { decideAppeal } from "~/modules/appeals/review.server.ts";
import { RecordAppealForm } from "~/modules/appeals/schema.ts";
import { windowEnd, type AppealOutcome, type AppellantRole } from "~/modules/appeals/standing.ts";
import type { DecisionAction } from "~/modules/decisions/actions.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { ingestFlags, type IntakeSender } from "~/modules/intake/ingest.server.ts";
import { FlagRequest } from "~/modules/intake/schema.ts";
import { liveLabelSetsForReason } from "~/modules/labels/live.server.ts";
import { claimItemOrWhy } from "~/modules/queue/claims.server.ts";
import { addMember } from "~/modules/queue/queues.server.ts";
import { HISTORY_PREFIX } from "./history.server.ts";

// Demo appeals, made through intake, the appeal leases and the appeal review like any other, against
// decisions the demo history made. Synthetic material only: fictional groups, placeholder accounts.

const APPEALS_QUEUE = "queue-appeals";
const REVIEWERS = ["mod1@docket.test", "mod2@docket.test", "lead@docket.test"] as const;
type Reviewer = { id: string; email: string; role: Role };
const DAY = 86_400_000;

type Review = { outcome: AppealOutcome; action?: "keep" | "remove" | "restrict"; labels?: string[]; rationale: string; summary: string };

/**
 * An appeal against a decision of the demo history (the earliest unappealed one of that action on an
 * item decided once, whose text contains `about`), or against the decision on a demo item of its own.
 */
type Planned = {
  externalId: string;
  against: { action: "keep" | "remove" | "restrict"; about: string } | { own: OwnItem };
  role: AppellantRole;
  statement: string;
  /** Received this many days ago (the decision must be older); otherwise now. */
  receivedDaysAgo?: number;
  /** Recorded by the lead from a letter, with this reference, instead of sent through the API. */
  letter?: string;
  /** Who reviews it, if they may; otherwise the next demo reviewer who never decided the item. */
  reviewer?: (typeof REVIEWERS)[number];
  review?: Review;
};

/** A demo item of the appeals' own: one user report, decided `daysAgo` days ago by a moderator who may claim it. */
type OwnItem = { externalId: string; title: string; body: string; action: "keep" | "remove"; label: string; daysAgo: (windowMonths: number) => number };

// The demo history's keep decisions on a reporter's notice are few; the letter has an item of its own.
const LETTER_ITEM: OwnItem = {
  externalId: "demo-appeal-post-3",
  title: "March in Sable Point (report A3)",
  body: "Local news: the Placeholder Cell marched through Sable Point; residents held a counter-protest. [synthetic report A3]",
  action: "keep",
  label: "ve_news_reporting",
  daysAgo: () => 0,
};

// Waits in the Appeals queue past its deadline: received 20 days ago against a removal of 30 days ago.
const OVERDUE_ITEM: OwnItem = {
  externalId: "demo-appeal-post-1",
  title: "Join us (synthetic example A1)",
  body: "Join the Grey Lantern Circle today: message [placeholder-handle-a1] to sign up. [fictional recruitment line]",
  action: "remove",
  label: "ve_recruitment",
  daysAgo: () => 30,
};

// Appealed a month after the window closed: refused, nothing written.
const LATE_ITEM: OwnItem = {
  externalId: "demo-appeal-post-2",
  title: "Heroes (synthetic example A2)",
  body: "The Northern Ember Front are true heroes! [fictional praise line, placeholder A2]",
  action: "remove",
  label: "ve_glorification",
  daysAgo: (months) => (months + 1) * 31,
};

const PLANNED: Planned[] = [
  {
    externalId: "demo-appeal-001",
    against: { action: "remove", about: "spread it everywhere" },
    role: "content_author",
    statement: "I reposted the video so people could see what the group is saying. I do not support them. [synthetic appeal]",
    reviewer: "lead@docket.test",
    review: {
      outcome: "upheld",
      rationale: "The post shares the group's video and asks others to spread it, with no frame of its own; the removal stands.",
      summary: "The post spreads a violent group's material and asks others to share it; it adds no reporting or criticism, so it stays removed.",
    },
  },
  {
    externalId: "demo-appeal-002",
    against: { action: "restrict", about: "held a rally" },
    role: "content_author",
    statement: "My post is a local news report about a rally. It does not support the group in any way. [synthetic appeal]",
    reviewer: "mod1@docket.test",
    review: {
      outcome: "overturned",
      action: "keep",
      labels: ["ve_news_reporting"],
      rationale: "A factual report of a rally with the police's statement; restricting it was a mistake.",
      summary: "The post reports on a local event in a factual way and does not support the group; we have lifted the restriction.",
    },
  },
  {
    externalId: "demo-appeal-003",
    against: { action: "keep", about: "emblem" },
    role: "notifier",
    statement: "This profile banner shows the group's emblem and nothing else, and it was left up. [synthetic appeal]",
    reviewer: "lead@docket.test",
    review: {
      outcome: "overturned",
      action: "restrict",
      labels: ["ve_representation"],
      rationale: "The banner displays the group's emblem with no reporting or critical context; the news-reporting label did not fit.",
      summary: "The banner displays a violent group's emblem without any context that reports on or criticises it; we have restricted it.",
    },
  },
  {
    externalId: "demo-appeal-004",
    against: { action: "keep", about: "researcher" },
    role: "notifier",
    statement: "This post explains how the group recruits. It should not be online. [synthetic appeal]",
    reviewer: "mod1@docket.test",
    review: {
      outcome: "modified",
      action: "keep",
      labels: ["ve_analysis_research"],
      rationale: "The content stays available, but it is research on recruitment tactics, not news reporting; the label is corrected.",
      summary:
        "The post explains how the group recruits so that readers and platforms can recognise it; it stays available, and we have corrected the reason recorded for keeping it.",
    },
  },
  {
    externalId: "recorded:DEMO-LETTER-0001",
    letter: "DEMO-LETTER-0001",
    against: { own: LETTER_ITEM },
    role: "notifier",
    statement: "Letter: the sender reported the post and asks us to reconsider leaving it online. [synthetic appeal, transcribed]",
    reviewer: "mod2@docket.test",
    review: {
      outcome: "upheld",
      rationale: "A factual report of a march and a counter-protest; it gives the group no support.",
      summary: "The post reports on a march and the counter-protest without supporting the group, so it stays available.",
    },
  },
  {
    externalId: "demo-appeal-006",
    against: { action: "remove", about: "researcher" },
    role: "content_author",
    statement: "My post is research on how the group recruits online, written to help platforms spot it. [synthetic appeal]",
  },
  {
    externalId: "demo-appeal-007",
    against: { own: OVERDUE_ITEM },
    role: "content_author",
    statement: "I was trying to warn people about this group, not recruit for it. [synthetic appeal]",
    receivedDaysAgo: 20,
  },
];

type Contested = { id: string; createdAt: Date; authorId: string | null; reporterId: string | null };

/**
 * Demo step after the decisions: appeals by authors and notifiers, some answered (upheld, overturned,
 * modified), some left open for a moderator to claim (one overdue), one recorded by the lead from a
 * letter, and one sent after the appeal window that intake refuses. Fixed externalIds: an appeal
 * already present is skipped, so restarting adds nothing twice.
 */
export async function loadDemoAppeals(): Promise<string> {
  const key = await db.apiKey.findUnique({ where: { hash: hashToken(env.DOCKET_DEMO_API_KEY) } });
  const users = await db.user.findMany({ where: { email: { in: [...REVIEWERS] } }, select: { id: true, email: true, role: true } });
  const byEmail = new Map(users.map((u) => [u.email, { ...u, role: u.role as Role }]));
  const lead = byEmail.get("lead@docket.test");
  if (!key || !lead || users.length < REVIEWERS.length) return "no appeals (demo accounts or key missing)";
  if (!(await db.queue.findUnique({ where: { id: APPEALS_QUEUE } }))) return "no appeals (no Appeals queue)";
  // The Appeals queue took the reviewers there were when it was made; the demo accounts came later.
  for (const user of users) await addMember({ kind: "system", name: "demo" }, APPEALS_QUEUE, user.id);

  const sender: AppealSender = {
    platform: key.platform,
    actor: { kind: "api_key", id: key.id, name: key.name },
    apiKeyId: key.id,
    recordedById: null,
    channel: "api",
  };
  const labels = await labelIds();
  const reviewers = REVIEWERS.map((e) => byEmail.get(e)!);
  let added = 0;
  const used = new Set<string>();
  for (const plan of PLANNED) {
    let appeal = await db.appeal.findUnique({ where: { platform_externalId: { platform: sender.platform, externalId: plan.externalId } } });
    if (!appeal) {
      const contested =
        "own" in plan.against
          ? await ownDecision(sender, plan.against.own, reviewers, labels)
          : await unappealedDecision(sender.platform, plan.against, plan.role, used);
      const appellantId = plan.role === "content_author" ? contested?.authorId : contested?.reporterId;
      if (!contested || !appellantId) continue;
      used.add(contested.id);
      const receivedAt = plan.receivedDaysAgo ? new Date(Date.now() - plan.receivedDaysAgo * DAY) : new Date();
      const { appealId } = plan.letter
        ? await recordAppeal(
            { kind: "user", id: lead.id, email: lead.email, role: lead.role },
            RecordAppealForm.parse({
              platform: sender.platform,
              decisionId: contested.id,
              role: plan.role,
              appellantId,
              statement: plan.statement,
              channel: "letter",
              receivedAt: receivedAt.toISOString(),
              reference: plan.letter,
            }),
          )
        : await receiveAppeal(sender, {
            externalId: plan.externalId,
            decisionId: contested.id,
            appellant: { role: plan.role, externalId: appellantId },
            statement: plan.statement,
            receivedAt,
          });
      appeal = await db.appeal.findUniqueOrThrow({ where: { id: appealId } });
      added++;
    }
    if (plan.review && appeal.state === "open") {
      const preferred = reviewers.filter((r) => r.email === plan.reviewer);
      await review(appeal.id, plan.review, [...preferred, ...reviewers.filter((r) => r.email !== plan.reviewer)], labels);
    }
  }
  const late = await lateAppeal(sender, reviewers, labels);

  // This step's appeals; the history's were all answered in their time.
  const appeals = await db.appeal.groupBy({
    by: ["state", "outcome"],
    where: { platform: sender.platform, NOT: { externalId: { startsWith: HISTORY_PREFIX } } },
    _count: { _all: true },
  });
  const count = (state: string, outcome?: string) =>
    appeals.filter((a) => a.state === state && (!outcome || a.outcome === outcome)).reduce((n, a) => n + a._count._all, 0);
  const held = `${count("open")} open, ${count("decided", "upheld")} upheld, ${count("decided", "overturned")} overturned, ${count("decided", "modified")} modified`;
  return `${added > 0 ? `${added} appeals added` : "appeals already present, none added"} (${held}); ${late}`;
}

async function labelIds(): Promise<Map<string, string>> {
  const sets = await liveLabelSetsForReason("violent_extremism");
  return new Map(sets.flatMap((s) => s.labels).map((l) => [l.key, l.id]));
}

/** The decision a planned appeal contests, with its author and the first reporter who had sent a notice before it. */
async function unappealedDecision(
  platform: string,
  against: { action: DecisionAction; about: string },
  role: AppellantRole,
  used: Set<string>,
): Promise<Contested | null> {
  const candidates = await db.decision.findMany({
    where: {
      action: against.action,
      copyOfDecisionId: null,
      appeals: { none: {} },
      item: { platform, state: "decided", externalId: { startsWith: "demo-post-" }, body: { contains: against.about } },
    },
    orderBy: { seq: "asc" },
    select: {
      id: true,
      createdAt: true,
      item: {
        select: {
          authorExternalId: true,
          _count: { select: { decisions: true } },
          flags: { where: { reporterId: { not: null } }, select: { reporterId: true, createdAt: true }, orderBy: { receivedAt: "asc" } },
        },
      },
    },
  });
  for (const d of candidates) {
    if (used.has(d.id) || d.item._count.decisions !== 1) continue;
    const reporterId = d.item.flags.find((f) => f.createdAt <= d.createdAt)?.reporterId ?? null;
    if (role === "notifier" && !reporterId) continue;
    return { id: d.id, createdAt: d.createdAt, authorId: d.item.authorExternalId, reporterId };
  }
  return null;
}

/** Claims the appeal as the first of `reviewers` who may (a member who never decided its item), and decides it. */
async function review(appealId: string, plan: Review, reviewers: Reviewer[], labels: Map<string, string>) {
  for (const user of reviewers) {
    const claim = await claimAppealOrWhy(user, appealId);
    if ("refused" in claim) continue;
    await decideAppeal(user, {
      appealId,
      claimId: claim.claimId,
      outcome: plan.outcome,
      action: plan.action,
      labelIds: plan.labels?.map((k) => labels.get(k)!),
      rationale: plan.rationale,
      summary: plan.summary,
    });
    return;
  }
}

/**
 * The decision on a demo item of the appeals' own: the item ingested with its notice from before the
 * decision, decided by the first moderator who may claim it, and the decision's time moved back
 * `daysAgo` days. Decision.createdAt is not part of the audit chain (the decision.made event keeps the
 * time it was written), so the chain still verifies.
 */
async function ownDecision(sender: IntakeSender, own: OwnItem, reviewers: Reviewer[], labels: Map<string, string>): Promise<Contested | null> {
  const decidedAt = new Date(Date.now() - own.daysAgo(env.DOCKET_APPEAL_WINDOW_MONTHS) * DAY);
  const where = { platform_externalId: { platform: sender.platform, externalId: own.externalId } };
  let item = await db.item.findUnique({ where });
  if (!item) {
    const flag = FlagRequest.parse({
      content: {
        externalId: own.externalId,
        type: "text",
        title: own.title,
        body: own.body,
        language: "en",
        postedAt: new Date(decidedAt.getTime() - 3 * DAY).toISOString(),
        author: { externalId: `demo-user-${own.externalId}`, handle: `demo_account_${own.externalId.replaceAll("-", "_")}` },
      },
      flag: {
        externalId: `demo-flag-${own.externalId}`,
        source: "user_report",
        reason: "violent_extremism",
        reporterId: `reporter-${own.externalId}`,
        receivedAt: new Date(decidedAt.getTime() - 2 * DAY).toISOString(),
      },
    });
    await ingestFlags(sender, [flag], "single");
    item = await db.item.findUniqueOrThrow({ where });
  }
  if (!(await db.decision.findFirst({ where: { itemId: item.id } }))) {
    for (const user of reviewers.filter((r) => r.role === "moderator")) {
      const claim = await claimItemOrWhy(user, item.id);
      if ("refused" in claim) continue;
      const rationale = own.action === "keep" ? "" : "Supports a violent group (synthetic demo decision).";
      await decide(user, { itemId: item.id, claimId: claim.claimId, action: own.action, labelIds: [labels.get(own.label)!], rationale });
      break;
    }
  }
  let decision = await db.decision.findFirst({ where: { itemId: item.id }, orderBy: { seq: "desc" } });
  if (!decision) return null;
  if (decision.createdAt.getTime() > decidedAt.getTime() + DAY) {
    decision = await db.decision.update({ where: { id: decision.id }, data: { createdAt: decidedAt } });
    await db.item.update({ where: { id: item.id }, data: { decidedAt } });
  }
  const reporter = await db.flag.findFirst({ where: { itemId: item.id, reporterId: { not: null } }, select: { reporterId: true } });
  return { id: decision.id, createdAt: decision.createdAt, authorId: item.authorExternalId, reporterId: reporter?.reporterId ?? null };
}

/** The author of a removal made longer ago than the appeal window appeals today: intake refuses it and writes nothing. */
async function lateAppeal(sender: AppealSender, reviewers: Reviewer[], labels: Map<string, string>): Promise<string> {
  const made = await ownDecision(sender, LATE_ITEM, reviewers, labels);
  if (!made?.authorId) return "no late appeal tried (its item could not be decided)";
  if (windowEnd(made.createdAt, env.DOCKET_APPEAL_WINDOW_MONTHS) > new Date()) return "no late appeal tried (its decision is within the window)";
  try {
    await receiveAppeal(sender, {
      externalId: "demo-appeal-late-001",
      decisionId: made.id,
      appellant: { role: "content_author", externalId: made.authorId },
      statement: "I only saw the removal notice now; please restore my post. [synthetic appeal]",
    });
  } catch (e) {
    if (e instanceof AppealError && e.code === "out_of_window") return "1 appeal outside the window refused (out_of_window)";
    throw e;
  }
  throw new Error("The demo's late appeal was accepted although its decision is older than the appeal window.");
}
