-- Counts of open items by state, strongest source, top reason and language, kept by triggers so that
-- the queue list and the home figures read a few counter rows instead of counting the table (whose
-- decided history grows without bound). Triggers, not application code: every statement that writes
-- "Item" (Prisma or raw SQL, intake, claims, decisions, a hand-run fix) keeps the counts right, in
-- its own transaction. See docs/decisions/023-open-item-counters-and-keyset-pages.md.
--
-- Each count is spread over 16 shards, chosen by the writing backend: an upsert locks its counter row
-- until commit, and with one row per key every intake and decision touching a common key would queue
-- behind the others. A count is the sum of its shards.
CREATE TABLE "QueueFacetCount" (
  "state" "ItemState" NOT NULL,
  "source" "FlagSource" NOT NULL,
  "reason" TEXT NOT NULL,
  "language" TEXT NOT NULL,
  "shard" INTEGER NOT NULL,
  "n" INTEGER NOT NULL,
  CONSTRAINT "QueueFacetCount_pkey" PRIMARY KEY ("state", "source", "reason", "language", "shard")
);

-- Inserts and deletes: statement-level triggers with transition tables, so a batch of 1,000 new items
-- is one grouped upsert, not 1,000. Groups are upserted in key order, so two writers in one shard take
-- their row locks in the same order.
CREATE FUNCTION "queue_facet_count_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "QueueFacetCount" AS c ("state", "source", "reason", "language", "shard", "n")
    SELECT "state", "strongestSource", "topReason", COALESCE("language", ''), pg_backend_pid() % 16, COUNT(*)
    FROM new_items WHERE "state" IN ('pending', 'escalated')
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT ("state", "source", "reason", "language", "shard") DO UPDATE SET "n" = c."n" + EXCLUDED."n";
  ELSE
    INSERT INTO "QueueFacetCount" AS c ("state", "source", "reason", "language", "shard", "n")
    SELECT "state", "strongestSource", "topReason", COALESCE("language", ''), pg_backend_pid() % 16, -COUNT(*)
    FROM old_items WHERE "state" IN ('pending', 'escalated')
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT ("state", "source", "reason", "language", "shard") DO UPDATE SET "n" = c."n" + EXCLUDED."n";
  END IF;
  RETURN NULL;
END;
$$;

-- Updates: a row-level trigger limited to the four counted columns and to rows whose values moved.
-- Claims, lease renewals and releases (most updates of "Item") change none of them and never fire
-- it, where a statement-level trigger would capture transition tables for every one of them.
CREATE FUNCTION "queue_facet_count_move"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."state" IN ('pending', 'escalated') THEN
    INSERT INTO "QueueFacetCount" AS c ("state", "source", "reason", "language", "shard", "n")
    VALUES (OLD."state", OLD."strongestSource", OLD."topReason", COALESCE(OLD."language", ''), pg_backend_pid() % 16, -1)
    ON CONFLICT ("state", "source", "reason", "language", "shard") DO UPDATE SET "n" = c."n" - 1;
  END IF;
  IF NEW."state" IN ('pending', 'escalated') THEN
    INSERT INTO "QueueFacetCount" AS c ("state", "source", "reason", "language", "shard", "n")
    VALUES (NEW."state", NEW."strongestSource", NEW."topReason", COALESCE(NEW."language", ''), pg_backend_pid() % 16, 1)
    ON CONFLICT ("state", "source", "reason", "language", "shard") DO UPDATE SET "n" = c."n" + 1;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Item_queue_facet_count_insert" AFTER INSERT ON "Item"
REFERENCING NEW TABLE AS new_items FOR EACH STATEMENT EXECUTE FUNCTION "queue_facet_count_apply"();
CREATE TRIGGER "Item_queue_facet_count_update" AFTER UPDATE OF "state", "strongestSource", "topReason", "language" ON "Item"
FOR EACH ROW WHEN (OLD."state" IS DISTINCT FROM NEW."state" OR OLD."strongestSource" IS DISTINCT FROM NEW."strongestSource"
  OR OLD."topReason" IS DISTINCT FROM NEW."topReason" OR OLD."language" IS DISTINCT FROM NEW."language")
EXECUTE FUNCTION "queue_facet_count_move"();
CREATE TRIGGER "Item_queue_facet_count_delete" AFTER DELETE ON "Item"
REFERENCING OLD TABLE AS old_items FOR EACH STATEMENT EXECUTE FUNCTION "queue_facet_count_apply"();

-- Creating the triggers locked "Item" against writes until this migration commits, so nothing changes
-- between this count and the first trigger firing.
INSERT INTO "QueueFacetCount" ("state", "source", "reason", "language", "shard", "n")
SELECT "state", "strongestSource", "topReason", COALESCE("language", ''), 0, COUNT(*)
FROM "Item" WHERE "state" IN ('pending', 'escalated')
GROUP BY 1, 2, 3, 4;

-- Keyset pages of the queue list break ties by id, so both queue indexes end in it: a page is then one
-- seek and a walk of at most a page of entries. The (state, dueAt) index also carries the facet columns
-- (INCLUDE), so counting the overdue open items is an index-only scan of their entries.
DROP INDEX "Item_state_priority_firstFlaggedAt_idx";
CREATE INDEX "Item_state_priority_firstFlaggedAt_id_idx" ON "Item"("state", "priority" DESC, "firstFlaggedAt", "id");
DROP INDEX "Item_state_dueAt_idx";
CREATE INDEX "Item_state_dueAt_id_idx" ON "Item"("state", "dueAt", "id") INCLUDE ("strongestSource", "topReason", "language");
