-- Counts of open items by state, strongest source, top reason and language, kept by triggers so that
-- the queue list and the home figures read a few counter rows instead of counting the table (whose
-- decided history grows without bound). Triggers, not application code: every statement that writes
-- "Item" (Prisma or raw SQL, intake, claims, decisions, a hand-run fix) keeps the counts right, in
-- its own transaction. SQLite has one writer at a time, so one row per key (shard 0) is enough.
-- See docs/decisions/023-open-item-counters-and-keyset-pages.md.
CREATE TABLE "QueueFacetCount" (
  "state" TEXT NOT NULL CHECK ("state" IN ('pending','escalated','decided','appealed')),
  "source" TEXT NOT NULL CHECK ("source" IN ('removal_order','authority_referral','trusted_flagger','user_report','automated')),
  "reason" TEXT NOT NULL,
  "language" TEXT NOT NULL,
  "shard" INTEGER NOT NULL,
  "n" INTEGER NOT NULL,
  PRIMARY KEY ("state", "source", "reason", "language", "shard")
);

CREATE TRIGGER "Item_queue_facet_count_insert" AFTER INSERT ON "Item"
WHEN NEW."state" IN ('pending', 'escalated')
BEGIN
  INSERT INTO "QueueFacetCount" ("state", "source", "reason", "language", "shard", "n")
  VALUES (NEW."state", NEW."strongestSource", NEW."topReason", COALESCE(NEW."language", ''), 0, 1)
  ON CONFLICT ("state", "source", "reason", "language", "shard") DO UPDATE SET "n" = "n" + 1;
END;

-- Only a change of a counted column moves an item between counters; claims and lease renewals
-- (most updates) do not fire this.
CREATE TRIGGER "Item_queue_facet_count_update" AFTER UPDATE OF "state", "strongestSource", "topReason", "language" ON "Item"
WHEN OLD."state" IS NOT NEW."state" OR OLD."strongestSource" IS NOT NEW."strongestSource"
  OR OLD."topReason" IS NOT NEW."topReason" OR OLD."language" IS NOT NEW."language"
BEGIN
  UPDATE "QueueFacetCount" SET "n" = "n" - 1
  WHERE OLD."state" IN ('pending', 'escalated') AND "state" = OLD."state" AND "source" = OLD."strongestSource"
    AND "reason" = OLD."topReason" AND "language" = COALESCE(OLD."language", '') AND "shard" = 0;
  INSERT INTO "QueueFacetCount" ("state", "source", "reason", "language", "shard", "n")
  SELECT NEW."state", NEW."strongestSource", NEW."topReason", COALESCE(NEW."language", ''), 0, 1
  WHERE NEW."state" IN ('pending', 'escalated')
  ON CONFLICT ("state", "source", "reason", "language", "shard") DO UPDATE SET "n" = "n" + 1;
END;

CREATE TRIGGER "Item_queue_facet_count_delete" AFTER DELETE ON "Item"
WHEN OLD."state" IN ('pending', 'escalated')
BEGIN
  UPDATE "QueueFacetCount" SET "n" = "n" - 1
  WHERE "state" = OLD."state" AND "source" = OLD."strongestSource" AND "reason" = OLD."topReason"
    AND "language" = COALESCE(OLD."language", '') AND "shard" = 0;
END;

-- The migration runs under the write lock, so nothing changes between this count and the triggers.
INSERT INTO "QueueFacetCount" ("state", "source", "reason", "language", "shard", "n")
SELECT "state", "strongestSource", "topReason", COALESCE("language", ''), 0, COUNT(*)
FROM "Item" WHERE "state" IN ('pending', 'escalated')
GROUP BY "state", "strongestSource", "topReason", COALESCE("language", '');

-- Keyset pages of the queue list break ties by id, so both queue indexes end in it: a page is then one
-- seek and a walk of at most a page of entries. The (state, dueAt) index also carries the facet columns,
-- so counting the overdue open items reads only their index entries.
DROP INDEX "Item_state_priority_firstFlaggedAt_idx";
CREATE INDEX "Item_state_priority_firstFlaggedAt_id_idx" ON "Item"("state", "priority" DESC, "firstFlaggedAt", "id");
DROP INDEX "Item_state_dueAt_idx";
CREATE INDEX "Item_state_dueAt_id_strongestSource_topReason_language_idx" ON "Item"("state", "dueAt", "id", "strongestSource", "topReason", "language");
