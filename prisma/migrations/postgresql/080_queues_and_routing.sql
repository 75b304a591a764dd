-- Named queues, their members, versioned routing rules, and per-queue counts of open items.
-- See docs/decisions/028-queues-and-routing.md.
CREATE TABLE "Queue" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "name" TEXT NOT NULL,
  "description" TEXT NOT NULL DEFAULT '',
  "deadlineHours" TEXT NOT NULL DEFAULT '{}',
  "open" BOOLEAN NOT NULL DEFAULT true,
  "deletedAt" TIMESTAMP(3),
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMP(3) NOT NULL
);
-- Two live queues never share a name: leads pick queues by name and the platform API answers it.
CREATE UNIQUE INDEX "Queue_live_name_key" ON "Queue"(lower("name")) WHERE "deletedAt" IS NULL;

CREATE TABLE "QueueMember" (
  "queueId" TEXT NOT NULL REFERENCES "Queue"("id"),
  "userId" TEXT NOT NULL REFERENCES "User"("id"),
  "addedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY ("queueId", "userId")
);
CREATE INDEX "QueueMember_userId_idx" ON "QueueMember"("userId");

CREATE TABLE "RoutingVersion" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "number" INTEGER NOT NULL,
  "status" "VersionStatus" NOT NULL DEFAULT 'draft',
  "rules" TEXT NOT NULL DEFAULT '[]',
  "changeNote" TEXT NOT NULL DEFAULT '',
  "createdById" TEXT,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMP(3) NOT NULL,
  "publishedAt" TIMESTAMP(3),
  "publishedById" TEXT,
  "retiredAt" TIMESTAMP(3)
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
ALTER TABLE "Item" ADD COLUMN "assignedAt" TIMESTAMP(3);
CREATE INDEX "Item_queueId_state_dueAt_id_idx" ON "Item"("queueId", "state", "dueAt", "id");
CREATE INDEX "Item_queueId_state_priority_firstFlaggedAt_id_idx" ON "Item"("queueId", "state", "priority" DESC, "firstFlaggedAt", "id");
CREATE INDEX "Item_assignedToId_idx" ON "Item"("assignedToId");

-- The starter routing a new installation begins with: two queues and two catch-all rules, as visible
-- and editable as any other version. A team replaces it with its own; nothing routes by default
-- outside a published rule.
INSERT INTO "Queue" ("id", "name", "description", "updatedAt") VALUES
  ('queue-general-review', 'General review', 'Every new or reopened item that no earlier rule sends elsewhere.', CURRENT_TIMESTAMP),
  ('queue-escalations', 'Escalations', 'Items a moderator handed to the policy leads.', CURRENT_TIMESTAMP);
INSERT INTO "RoutingVersion" ("id", "number", "status", "rules", "changeNote", "createdAt", "updatedAt", "publishedAt") VALUES (
  'routing-starter', 1, 'published',
  '[{"id":"rule-starter-escalations","name":"Escalations to the policy leads","stage":"escalation","when":{},"queueId":"queue-escalations"},{"id":"rule-starter-review","name":"Everything else to general review","stage":"review","when":{},"queueId":"queue-general-review"}]',
  'Starter routing installed with Docket: escalations to Escalations, every other item to General review.',
  CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

-- An existing installation keeps working: its open items and reviewers move into the starter queues.
UPDATE "Item" SET "queueId" = 'queue-general-review', "routedBy" = 'rule:rule-starter-review@1' WHERE "state" = 'pending';
UPDATE "Item" SET "queueId" = 'queue-escalations', "routedBy" = 'rule:rule-starter-escalations@1' WHERE "state" = 'escalated';
INSERT INTO "QueueMember" ("queueId", "userId") SELECT 'queue-general-review', "id" FROM "User" WHERE "role" IN ('moderator', 'policy_lead');
INSERT INTO "QueueMember" ("queueId", "userId") SELECT 'queue-escalations', "id" FROM "User" WHERE "role" = 'policy_lead';

-- Open items per queue and state ("" = unrouted), kept by triggers like "QueueFacetCount" (060) and
-- sharded the same way so concurrent writers do not queue on one counter row.
CREATE TABLE "QueueOpenCount" (
  "queueId" TEXT NOT NULL,
  "state" "ItemState" NOT NULL,
  "shard" INTEGER NOT NULL,
  "n" INTEGER NOT NULL,
  CONSTRAINT "QueueOpenCount_pkey" PRIMARY KEY ("queueId", "state", "shard")
);

CREATE FUNCTION "queue_open_count_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "QueueOpenCount" AS c ("queueId", "state", "shard", "n")
    SELECT COALESCE("queueId", ''), "state", pg_backend_pid() % 16, COUNT(*)
    FROM new_items WHERE "state" IN ('pending', 'escalated')
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT ("queueId", "state", "shard") DO UPDATE SET "n" = c."n" + EXCLUDED."n";
  ELSE
    INSERT INTO "QueueOpenCount" AS c ("queueId", "state", "shard", "n")
    SELECT COALESCE("queueId", ''), "state", pg_backend_pid() % 16, -COUNT(*)
    FROM old_items WHERE "state" IN ('pending', 'escalated')
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT ("queueId", "state", "shard") DO UPDATE SET "n" = c."n" + EXCLUDED."n";
  END IF;
  RETURN NULL;
END;
$$;

-- Both counter rows of a move are upserted by one statement in key order, so two moves in opposite
-- directions (Q1 to Q2 and Q2 to Q1) on one shard take their row locks in the same order.
CREATE FUNCTION "queue_open_count_move"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "QueueOpenCount" AS c ("queueId", "state", "shard", "n")
  SELECT q, s, pg_backend_pid() % 16, SUM(d) FROM (
    SELECT COALESCE(OLD."queueId", '') AS q, OLD."state" AS s, -1 AS d WHERE OLD."state" IN ('pending', 'escalated')
    UNION ALL
    SELECT COALESCE(NEW."queueId", ''), NEW."state", 1 WHERE NEW."state" IN ('pending', 'escalated')
  ) moves
  GROUP BY q, s ORDER BY q, s
  ON CONFLICT ("queueId", "state", "shard") DO UPDATE SET "n" = c."n" + EXCLUDED."n";
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Item_queue_open_count_insert" AFTER INSERT ON "Item"
REFERENCING NEW TABLE AS new_items FOR EACH STATEMENT EXECUTE FUNCTION "queue_open_count_apply"();
CREATE TRIGGER "Item_queue_open_count_update" AFTER UPDATE OF "state", "queueId" ON "Item"
FOR EACH ROW WHEN (OLD."state" IS DISTINCT FROM NEW."state" OR OLD."queueId" IS DISTINCT FROM NEW."queueId")
EXECUTE FUNCTION "queue_open_count_move"();
CREATE TRIGGER "Item_queue_open_count_delete" AFTER DELETE ON "Item"
REFERENCING OLD TABLE AS old_items FOR EACH STATEMENT EXECUTE FUNCTION "queue_open_count_apply"();

INSERT INTO "QueueOpenCount" ("queueId", "state", "shard", "n")
SELECT COALESCE("queueId", ''), "state", 0, COUNT(*) FROM "Item" WHERE "state" IN ('pending', 'escalated') GROUP BY 1, 2;
