import { db } from "~/db.server.ts";

/**
 * A real value for each dynamic route segment, read from the demo data the route matrix loads.
 * A route with a new parameter name fails the matrix until a sample is added here.
 */
export const ROUTE_PARAM_SAMPLES: Record<string, () => Promise<string | undefined>> = {
  userId: async () => (await db.user.findFirst({ select: { id: true } }))?.id,
};

// Label sets: the first set, and its live version (a page every role may read).
ROUTE_PARAM_SAMPLES.setId = async () => (await db.labelSet.findFirst({ orderBy: { key: "asc" }, select: { id: true } }))?.id;
ROUTE_PARAM_SAMPLES.versionId = async () =>
  (
    await db.labelSetVersion.findFirst({
      where: { status: "published", labelSet: { key: (await db.labelSet.findFirst({ orderBy: { key: "asc" }, select: { key: true } }))?.key } },
      select: { id: true },
    })
  )?.id;

// Audit: the newest decision and the newest event. Until the demo history holds a decision, the
// decision page is checked with an id that matches nothing (permission is decided before lookup).
ROUTE_PARAM_SAMPLES.decisionId = async () =>
  (await db.decision.findFirst({ orderBy: { seq: "desc" }, select: { id: true } }))?.id ?? "00000000-0000-4000-8000-000000000000";
ROUTE_PARAM_SAMPLES.seq = async () => String((await db.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } }))?.seq ?? 1);

// Review screen: the oldest item (demo data always has items).
ROUTE_PARAM_SAMPLES.itemId = async () => (await db.item.findFirst({ orderBy: { firstFlaggedAt: "asc" }, select: { id: true } }))?.id;

// Queues: a starter queue (every installation begins with it).
ROUTE_PARAM_SAMPLES.queueId = async () => (await db.queue.findFirst({ where: { deletedAt: null }, orderBy: { name: "asc" }, select: { id: true } }))?.id;

// Item status for platforms: the oldest item's external id.
ROUTE_PARAM_SAMPLES.externalId = async () => (await db.item.findFirst({ orderBy: { firstFlaggedAt: "asc" }, select: { externalId: true } }))?.externalId;

// Routing: the live version's number (a page every role holding routing:read may read).
ROUTE_PARAM_SAMPLES.number = async () => String((await db.routingVersion.findFirst({ where: { status: "published" }, select: { number: true } }))?.number ?? 1);

// Appeals: the oldest open appeal (an answered one is hidden from moderators who did not answer it,
// and the demo's history holds answered ones older than any open one). Until the demo data holds appeals, the author of a demo removal (or,
// with no demo decisions, of a removal made the way the console makes one) appeals it as a platform
// would, so the appeal pages are checked on a real appeal.
ROUTE_PARAM_SAMPLES.appealId = async () => {
  const found = await db.appeal.findFirst({ where: { state: "open" }, orderBy: { receivedAt: "asc" }, select: { id: true } });
  if (found) return found.id;
  const removal = await db.decision.findFirst({
    where: { action: "remove", supersedesId: null, item: { state: "decided", authorExternalId: { not: null } } },
    orderBy: { seq: "desc" },
    select: { id: true, itemId: true, item: { select: { platform: true, authorExternalId: true } } },
  });
  const latest = removal ? await db.decision.findFirst({ where: { itemId: removal.itemId }, orderBy: { seq: "desc" }, select: { id: true } }) : null;
  const contested =
    removal && latest?.id === removal.id
      ? { id: removal.id, platform: removal.item.platform, author: removal.item.authorExternalId! }
      : await import("./audit-fixtures.ts").then(async ({ makeDecision }) => {
          const made = await makeDecision({ action: "remove" });
          return { id: made.decision.id, platform: "test", author: `author-${made.externalId}` };
        });
  const { receiveAppeal } = await import("~/modules/appeals/intake.server.ts");
  const received = await receiveAppeal(
    { platform: contested.platform, actor: { kind: "system", name: "route matrix" }, apiKeyId: null, recordedById: null, channel: "api" },
    {
      externalId: "route-matrix-appeal",
      decisionId: contested.id,
      appellant: { role: "content_author", externalId: contested.author },
      statement: "A fictional appeal against a removal.",
    },
  );
  return received.appealId;
};

// Calibration: the oldest calibration item and an answer of the demo moderator the matrix signs in
// as (their own answer is the one a moderator may open). Until the demo data holds them, a lead
// writes one and the moderator is served it and answers it, the way the console does.
async function sampleCalibrationItem(): Promise<string> {
  const found = await db.calibrationItem.findFirst({ orderBy: { createdAt: "asc" }, select: { id: true } });
  if (found) return found.id;
  const { DEMO_ACCOUNTS } = await import("~/demo/accounts.server.ts");
  const leadAccount = DEMO_ACCOUNTS.find((a) => a.role === "policy_lead")!;
  const lead = await db.user.findUniqueOrThrow({ where: { email: leadAccount.email } });
  const { createCalibrationItem } = await import("~/modules/quality/calibration/items.server.ts");
  const { liveLabelSetsForReason } = await import("~/modules/labels/live.server.ts");
  const [set] = await liveLabelSetsForReason("violent_extremism");
  const keep = set!.labels.find((l) => l.group === "allowed")!;
  const made = await createCalibrationItem(
    { kind: "user", id: lead.id, email: lead.email, role: lead.role },
    {
      from: "text",
      body: "A fictional news report on a rally of a made-up group.",
      type: "text",
      source: "user_report",
      reason: "violent_extremism",
      action: "keep",
      labelIds: [keep.id],
      explanation: "Reporting, not praise.",
    },
  );
  return made.id;
}
ROUTE_PARAM_SAMPLES.calibrationId = sampleCalibrationItem;
ROUTE_PARAM_SAMPLES.answerId = async () => {
  const { DEMO_ACCOUNTS } = await import("~/demo/accounts.server.ts");
  const account = DEMO_ACCOUNTS.find((a) => a.role === "moderator")!;
  const moderator = await db.user.findUniqueOrThrow({ where: { email: account.email } });
  const found = await db.calibrationAnswer.findFirst({ where: { userId: moderator.id, outcome: "answered" }, select: { id: true } });
  if (found) return found.id;
  const itemId = await sampleCalibrationItem();
  const { answerCalibration } = await import("~/modules/quality/calibration/answers.server.ts");
  const { leaseMs } = await import("~/modules/queue/claims.server.ts");
  const { newId } = await import("~/modules/ids.ts");
  const item = await db.calibrationItem.findUniqueOrThrow({ where: { id: itemId } });
  const labels = await db.label.findMany({ where: { versionId: item.versionId, key: { in: JSON.parse(item.expectedLabelKeys) as string[] } } });
  const now = new Date();
  const answerId = newId();
  await db.calibrationAnswer.create({
    data: { id: answerId, calibrationItemId: itemId, userId: moderator.id, claimId: newId(), servedAt: now, expiresAt: new Date(now.getTime() + leaseMs()) },
  });
  await answerCalibration(moderator.id, answerId, {
    action: item.expectedAction,
    labelIds: labels.map((l) => l.id),
    rationale: "Reporting on the made-up group.",
  });
  return answerId;
};

// Quality reviews: one of the demo history's that the first demo moderator and the lead may both
// open (neither decided its item; the moderator is a member of its queue, the lead reads any).
ROUTE_PARAM_SAMPLES.reviewId = async () => {
  const { DEMO_ACCOUNTS } = await import("~/demo/accounts.server.ts");
  const emails = ["moderator", "policy_lead"].map((role) => DEMO_ACCOUNTS.find((a) => a.role === role)!.email);
  const ids = await Promise.all(emails.map(async (email) => (await db.user.findUniqueOrThrow({ where: { email }, select: { id: true } })).id));
  const reviews = await db.qualityReview.findMany({ orderBy: { sampledAt: "asc" }, select: { id: true, itemId: true, firstUserId: true, queueId: true } });
  for (const r of reviews) {
    if (ids.includes(r.firstUserId)) continue;
    if (r.queueId && (await db.queueMember.count({ where: { queueId: r.queueId, userId: ids[0] } })) === 0) continue;
    if ((await db.decision.count({ where: { itemId: r.itemId, userId: { in: ids } } })) > 0) continue;
    return r.id;
  }
  return undefined;
};

// Clusters: the largest (every item intake took is in one).
ROUTE_PARAM_SAMPLES.clusterId = async () => {
  const found = await db.cluster.findFirst({ where: { mergedIntoId: null }, orderBy: [{ size: "desc" }, { id: "asc" }], select: { id: true } });
  return found?.id;
};

// Cluster decisions: one of the demo moderator the matrix signs in as (a job's page is its owner's and
// the leads'). Until the demo history holds one, that moderator decides an open item of one of their
// queues with its cluster, the way the review screen does, so the progress page is checked on a real job.
ROUTE_PARAM_SAMPLES.jobId = async () => {
  const { DEMO_ACCOUNTS } = await import("~/demo/accounts.server.ts");
  const account = DEMO_ACCOUNTS.find((a) => a.role === "moderator")!;
  const moderator = await db.user.findUniqueOrThrow({ where: { email: account.email }, select: { id: true, email: true, role: true } });
  const found = await db.clusterDecision.findFirst({ where: { userId: moderator.id }, orderBy: { createdAt: "desc" }, select: { id: true } });
  if (found) return found.id;
  const { claimItem } = await import("~/modules/queue/claims.server.ts");
  const { decide } = await import("~/modules/decisions/decide.server.ts");
  const { liveLabelSetsForReason } = await import("~/modules/labels/live.server.ts");
  const queues = (await db.queueMember.findMany({ where: { userId: moderator.id, queue: { open: true, deletedAt: null } }, select: { queueId: true } })).map(
    (m) => m.queueId,
  );
  const now = new Date();
  const item = await db.item.findFirst({
    where: {
      state: "pending",
      clusterId: { not: null },
      queueId: { in: queues },
      assignedToId: null,
      OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lt: now } }],
    },
    orderBy: { firstFlaggedAt: "asc" },
  });
  if (!item) return undefined;
  const claim = await claimItem(moderator, item.id);
  const keep = (await liveLabelSetsForReason(item.topReason)).flatMap((s) => s.labels).find((l) => l.group === "allowed");
  if (!claim || !keep) return undefined;
  const result = await decide(moderator, {
    itemId: item.id,
    claimId: claim.claimId,
    action: "keep",
    labelIds: [keep.id],
    rationale: "Route check.",
    cluster: { memberIds: "all" },
  });
  return result.cluster?.id;
};

// Campaigns: the demo referral campaign's reference (the demo data always has it).
ROUTE_PARAM_SAMPLES.reference = async () =>
  (
    await db.flag.findFirst({
      where: { reference: { not: null }, source: { in: ["authority_referral", "removal_order"] } },
      orderBy: { receivedAt: "asc" },
      select: { reference: true },
    })
  )?.reference ?? undefined;

// Webhooks: the demo platform's endpoint (the demo key's platform, so the API routes find it too).
const demoEndpoint = async () =>
  (await db.webhookEndpoint.findFirst({ where: { platform: "demo", deletedAt: null }, orderBy: { createdAt: "asc" }, select: { id: true } }))?.id;
ROUTE_PARAM_SAMPLES.webhookId = demoEndpoint;
ROUTE_PARAM_SAMPLES.endpointId = demoEndpoint;

// Report dashboards' CSV: a team dashboard (the moderators' has its own route).
ROUTE_PARAM_SAMPLES.dashboard = async () => "queues";
