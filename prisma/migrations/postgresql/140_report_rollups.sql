-- Reporting: daily rollups folded from the audit log, which every dashboard and transparency report
-- reads instead of the raw rows. See docs/decisions/046-report-rollups.md.

-- A batch call is one audit event; its flags carry its id so the rollups can count them one by one.
ALTER TABLE "Flag" ADD COLUMN "batchId" TEXT;
ALTER TABLE "Flag" ADD COLUMN "queueId" TEXT;
ALTER TABLE "Flag" ADD COLUMN "newItem" BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX "Flag_batchId_idx" ON "Flag"("batchId");

-- One row (id 1): the audit sequence number up to which events are counted. It starts at 0, so an
-- installation that had history before this migration counts it on the first runs.
CREATE TABLE "ReportHead" (
  "id" INTEGER NOT NULL PRIMARY KEY,
  "seq" INTEGER NOT NULL,
  "rebuiltAt" TIMESTAMP(3)
);
INSERT INTO "ReportHead" ("id", "seq") VALUES (1, 0);

-- What the fold needs to know of an item between its events: where it waits, its strongest source,
-- whether it is open, and the clocks of its current review.
CREATE TABLE "ReportItem" (
  "itemId" TEXT NOT NULL PRIMARY KEY,
  "platform" TEXT NOT NULL,
  "queueId" TEXT NOT NULL,
  "source" TEXT NOT NULL,
  "open" INTEGER NOT NULL,
  "openedAt" TIMESTAMP(3) NOT NULL,
  "dueAt" TIMESTAMP(3),
  "claimedAt" TIMESTAMP(3)
);

CREATE TABLE "ReportAppeal" (
  "appealId" TEXT NOT NULL PRIMARY KEY,
  "platform" TEXT NOT NULL,
  "queueId" TEXT NOT NULL,
  "ground" TEXT NOT NULL,
  "receivedAt" TIMESTAMP(3) NOT NULL
);

-- Each count is kept four times: for its platform and queue, for all queues of its platform ("*"), for
-- all platforms of its queue, and for everything. A read for one scope is then one range of the key
-- (metric, platform, queue, day) holding only the rows it sums, however many queues and platforms there are.
CREATE TABLE "ReportCount" (
  "metric" TEXT NOT NULL,
  "platform" TEXT NOT NULL,
  "queueId" TEXT NOT NULL,
  "day" TEXT NOT NULL,
  "k1" TEXT NOT NULL,
  "k2" TEXT NOT NULL,
  "n" INTEGER NOT NULL,
  PRIMARY KEY ("metric", "platform", "queueId", "day", "k1", "k2") INCLUDE ("n")
);

CREATE TABLE "ReportMiss" (
  "seq" INTEGER NOT NULL PRIMARY KEY,
  "itemId" TEXT NOT NULL,
  "day" TEXT NOT NULL,
  "platform" TEXT NOT NULL,
  "queueId" TEXT NOT NULL,
  "source" TEXT NOT NULL,
  "dueAt" TIMESTAMP(3) NOT NULL,
  "decidedAt" TIMESTAMP(3) NOT NULL
);
CREATE INDEX "ReportMiss_day_seq_idx" ON "ReportMiss"("day", "seq");

-- A key that held every scope before reports:read existed holds it too.
UPDATE "ApiKey" SET "scopes" = '["flags:write","decisions:read","statements:read","labels:read","items:read","appeals:write","webhooks:manage","reports:read"]'
WHERE "scopes" = '["flags:write","decisions:read","statements:read","labels:read","items:read","appeals:write","webhooks:manage"]';
ALTER TABLE "ApiKey" ALTER COLUMN "scopes" SET DEFAULT '["flags:write","decisions:read","statements:read","labels:read","items:read","appeals:write","webhooks:manage","reports:read"]';
