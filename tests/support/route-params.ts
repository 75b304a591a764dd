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

// Appeals: the oldest appeal. Until the demo data holds appeals, the author of a demo removal (or,
// with no demo decisions, of a removal made the way the console makes one) appeals it as a platform
// would, so the appeal pages are checked on a real appeal.
ROUTE_PARAM_SAMPLES.appealId = async () => {
  const found = await db.appeal.findFirst({ orderBy: { receivedAt: "asc" }, select: { id: true } });
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
