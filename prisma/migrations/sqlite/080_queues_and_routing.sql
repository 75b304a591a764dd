-- Named queues, their members, versioned routing rules, and per-queue counts of open items.
-- See docs/decisions/028-queues-and-routing.md.
CREATE TABLE "Queue" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "name" TEXT NOT NULL,
  "description" TEXT NOT NULL DEFAULT '',
  "deadlineHours" TEXT NOT NULL DEFAULT '{}',
  "open" BOOLEAN NOT NULL DEFAULT true,
  "deletedAt" DATETIME,
  "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" DATETIME NOT NULL
);
-- Two live queues never share a name: leads pick queues by name and the platform API answers it.
CREATE UNIQUE INDEX "Queue_live_name_key" ON "Queue"(lower("name")) WHERE "deletedAt" IS NULL;

CREATE TABLE "QueueMember" (
  "queueId" TEXT NOT NULL REFERENCES "Queue"("id"),
  "userId" TEXT NOT NULL REFERENCES "User"("id"),
  "addedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY ("queueId", "userId")
);
CREATE INDEX "QueueMember_userId_idx" ON "QueueMember"("userId");

CREATE TABLE "RoutingVersion" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "number" INTEGER NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'draft' CHECK ("status" IN ('draft','published','retired')),
  "rules" TEXT NOT NULL DEFAULT '[]',
  "changeNote" TEXT NOT NULL DEFAULT '',
  "createdById" TEXT,
  "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" DATETIME NOT NULL,
  "publishedAt" DATETIME,
  "publishedById" TEXT,
  "retiredAt" DATETIME
);
CREATE UNIQUE INDEX "RoutingVersion_number_key" ON "RoutingVersion"("number");
CREATE INDEX "RoutingVersion_status_idx" ON "RoutingVersion"("status");
-- At most one live version and one draft, whatever two leads do at once.
CREATE UNIQUE INDEX "RoutingVersion_one_published" ON "RoutingVersion"("status") WHERE "status" = 'published';
CREATE UNIQUE INDEX "RoutingVersion_one_draft" ON "RoutingVersion"("status") WHERE "status" = 'draft';

CREATE TABLE "RoutingState" (
  "id" INTEGER NOT NULL PRIMARY KEY,
  "generation" INTEGER NOT NULL
);
INSERT INTO "RoutingState" ("id", "generation") VALUES (1, 1);

ALTER TABLE "Item" ADD COLUMN "queueId" TEXT;
ALTER TABLE "Item" ADD COLUMN "routedBy" TEXT;
ALTER TABLE "Item" ADD COLUMN "routeNote" TEXT;
ALTER TABLE "Item" ADD COLUMN "assignedToId" TEXT;
ALTER TABLE "Item" ADD COLUMN "assignedAt" DATETIME;
CREATE INDEX "Item_queueId_state_dueAt_id_idx" ON "Item"("queueId", "state", "dueAt", "id");
CREATE INDEX "Item_queueId_state_priority_firstFlaggedAt_id_idx" ON "Item"("queueId", "state", "priority" DESC, "firstFlaggedAt", "id");
CREATE INDEX "Item_assignedToId_idx" ON "Item"("assignedToId");

-- The starter routing a new installation begins with: two queues and two catch-all rules, as visible
-- and editable as any other version. A team replaces it with its own; nothing routes by default
-- outside a published rule.
INSERT INTO "Queue" ("id", "name", "description", "updatedAt") VALUES
  ('queue-general-review', 'General review', 'Every new or reopened item that no earlier rule sends elsewhere.', CAST(strftime('%s','now') AS INTEGER) * 1000),
  ('queue-escalations', 'Escalations', 'Items a moderator handed to the policy leads.', CAST(strftime('%s','now') AS INTEGER) * 1000);
UPDATE "Queue" SET "createdAt" = "updatedAt";
INSERT INTO "RoutingVersion" ("id", "number", "status", "rules", "changeNote", "createdAt", "updatedAt", "publishedAt") VALUES (
  'routing-starter', 1, 'published',
  '[{"id":"rule-starter-escalations","name":"Escalations to the policy leads","stage":"escalation","when":{},"queueId":"queue-escalations"},{"id":"rule-starter-review","name":"Everything else to general review","stage":"review","when":{},"queueId":"queue-general-review"}]',
  'Starter routing installed with Docket: escalations to Escalations, every other item to General review.',
  CAST(strftime('%s','now') AS INTEGER) * 1000, CAST(strftime('%s','now') AS INTEGER) * 1000, CAST(strftime('%s','now') AS INTEGER) * 1000);

-- An existing installation keeps working: its open items and reviewers move into the starter queues.
UPDATE "Item" SET "queueId" = 'queue-general-review', "routedBy" = 'rule:rule-starter-review@1' WHERE "state" = 'pending';
UPDATE "Item" SET "queueId" = 'queue-escalations', "routedBy" = 'rule:rule-starter-escalations@1' WHERE "state" = 'escalated';
INSERT INTO "QueueMember" ("queueId", "userId", "addedAt") SELECT 'queue-general-review', "id", CAST(strftime('%s','now') AS INTEGER) * 1000 FROM "User" WHERE "role" IN ('moderator', 'policy_lead');
INSERT INTO "QueueMember" ("queueId", "userId", "addedAt") SELECT 'queue-escalations', "id", CAST(strftime('%s','now') AS INTEGER) * 1000 FROM "User" WHERE "role" = 'policy_lead';

-- Open items per queue and state ("" = unrouted), kept by triggers like "QueueFacetCount" (060).
CREATE TABLE "QueueOpenCount" (
  "queueId" TEXT NOT NULL,
  "state" TEXT NOT NULL CHECK ("state" IN ('pending','escalated','decided','appealed')),
  "shard" INTEGER NOT NULL,
  "n" INTEGER NOT NULL,
  PRIMARY KEY ("queueId", "state", "shard")
);

CREATE TRIGGER "Item_queue_open_count_insert" AFTER INSERT ON "Item"
WHEN NEW."state" IN ('pending', 'escalated')
BEGIN
  INSERT INTO "QueueOpenCount" ("queueId", "state", "shard", "n") VALUES (COALESCE(NEW."queueId", ''), NEW."state", 0, 1)
  ON CONFLICT ("queueId", "state", "shard") DO UPDATE SET "n" = "n" + 1;
END;

CREATE TRIGGER "Item_queue_open_count_update" AFTER UPDATE OF "state", "queueId" ON "Item"
WHEN OLD."state" IS NOT NEW."state" OR OLD."queueId" IS NOT NEW."queueId"
BEGIN
  UPDATE "QueueOpenCount" SET "n" = "n" - 1
  WHERE OLD."state" IN ('pending', 'escalated') AND "queueId" = COALESCE(OLD."queueId", '') AND "state" = OLD."state" AND "shard" = 0;
  INSERT INTO "QueueOpenCount" ("queueId", "state", "shard", "n")
  SELECT COALESCE(NEW."queueId", ''), NEW."state", 0, 1 WHERE NEW."state" IN ('pending', 'escalated')
  ON CONFLICT ("queueId", "state", "shard") DO UPDATE SET "n" = "n" + 1;
END;

CREATE TRIGGER "Item_queue_open_count_delete" AFTER DELETE ON "Item"
WHEN OLD."state" IN ('pending', 'escalated')
BEGIN
  UPDATE "QueueOpenCount" SET "n" = "n" - 1 WHERE "queueId" = COALESCE(OLD."queueId", '') AND "state" = OLD."state" AND "shard" = 0;
END;

INSERT INTO "QueueOpenCount" ("queueId", "state", "shard", "n")
SELECT COALESCE("queueId", ''), "state", 0, COUNT(*) FROM "Item" WHERE "state" IN ('pending', 'escalated') GROUP BY 1, 2;
