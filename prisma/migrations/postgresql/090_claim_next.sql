-- "Next item" on PostgreSQL as one function: the held lease, the oldest assignment, the lanes' heads
-- (one index probe each) and the claim statements lane by lane, with plans the server caches across
-- calls. Sent with BEGIN after the claimer's row lock, it makes a claim two round trips (this call,
-- then the Claim row and the audit event with the COMMIT) where the same statements sent as text
-- cost three round trips and a fresh plan for each. The same statements are written for SQLite in
-- app/modules/queue/claims.server.ts; see docs/decisions/028-queues-and-routing.md.
CREATE FUNCTION "docket_claim_next"(
  p_user TEXT, p_claim TEXT, p_now TIMESTAMP(3), p_expires TIMESTAMP(3), p_states "ItemState"[], p_queue TEXT
) RETURNS TABLE (kind TEXT, item_id TEXT, claim_id TEXT, lease_expires TIMESTAMP(3), queue_id TEXT, lapsed INTEGER)
LANGUAGE plpgsql AS $$
DECLARE
  v_id TEXT;
  v_lane RECORD;
BEGIN
  -- One item at a time: a live lease is returned as it is.
  SELECT i."id", i."claimId", i."leaseExpiresAt", i."queueId" INTO item_id, claim_id, lease_expires, queue_id
  FROM "Item" i WHERE i."claimedById" = p_user AND i."leaseExpiresAt" > p_now ORDER BY i."leaseExpiresAt" DESC LIMIT 1;
  IF item_id IS NOT NULL THEN
    kind := 'held'; lapsed := 0;
    RETURN NEXT;
    RETURN;
  END IF;

  -- An assignment comes first, soonest deadline first: in the chosen queue if there is one, and only
  -- while the assignee is still a member of the item's open queue.
  SELECT i."id" INTO v_id FROM "Item" i
  WHERE i."assignedToId" = p_user AND i."state" = ANY(p_states) AND i."queueId" IS NOT NULL
    AND (p_queue IS NULL OR i."queueId" = p_queue)
    AND (i."leaseExpiresAt" IS NULL OR i."leaseExpiresAt" < p_now)
    AND EXISTS (SELECT 1 FROM "QueueMember" m JOIN "Queue" q ON q."id" = m."queueId"
      WHERE m."queueId" = i."queueId" AND m."userId" = p_user AND q."open" AND q."deletedAt" IS NULL)
  ORDER BY i."dueAt" NULLS LAST, i."priority" DESC LIMIT 1 FOR UPDATE SKIP LOCKED;
  IF v_id IS NOT NULL THEN
    RETURN QUERY UPDATE "Item" SET "claimId" = p_claim, "claimedById" = p_user, "leaseExpiresAt" = p_expires, "updatedAt" = p_now
      WHERE "Item"."id" = v_id AND ("Item"."leaseExpiresAt" IS NULL OR "Item"."leaseExpiresAt" < p_now)
      RETURNING 'claimed'::TEXT, "Item"."id", p_claim, p_expires, "Item"."queueId",
        CASE WHEN EXISTS (SELECT 1 FROM "Claim" c WHERE c."itemId" = "Item"."id" AND c."endedAt" IS NULL) THEN 1 ELSE 0 END;
    IF FOUND THEN RETURN; END IF;
  END IF;

  -- The lanes (queue x state) of the user's open queues in the order to try them: overdue heads by
  -- deadline, then heads by priority.
  FOR v_lane IN
    WITH heads AS (
      SELECT m."queueId" AS qid, s AS st,
        (SELECT i."dueAt" FROM "Item" i
          WHERE i."queueId" = m."queueId" AND i."state" = s AND i."dueAt" <= p_now
            AND (i."leaseExpiresAt" IS NULL OR i."leaseExpiresAt" < p_now) AND (i."assignedToId" IS NULL OR i."assignedToId" = p_user)
            AND NOT EXISTS (SELECT 1 FROM "Claim" k WHERE k."itemId" = i."id" AND k."userId" = p_user AND k."endReason" = 'skipped')
          ORDER BY i."queueId", i."state", i."dueAt" LIMIT 1) AS overdue_at,
        (SELECT i."priority" FROM "Item" i
          WHERE i."queueId" = m."queueId" AND i."state" = s
            AND (i."leaseExpiresAt" IS NULL OR i."leaseExpiresAt" < p_now) AND (i."assignedToId" IS NULL OR i."assignedToId" = p_user)
            AND NOT EXISTS (SELECT 1 FROM "Claim" k WHERE k."itemId" = i."id" AND k."userId" = p_user AND k."endReason" = 'skipped')
          ORDER BY i."queueId", i."state", i."priority" DESC, i."firstFlaggedAt" LIMIT 1) AS top
      FROM "QueueMember" m JOIN "Queue" q ON q."id" = m."queueId" CROSS JOIN unnest(p_states) AS s
      WHERE m."userId" = p_user AND q."open" AND q."deletedAt" IS NULL AND (p_queue IS NULL OR m."queueId" = p_queue)
    )
    SELECT qid, st, TRUE AS overdue, overdue_at AS due, NULL::INTEGER AS top FROM heads WHERE overdue_at IS NOT NULL
    UNION ALL
    SELECT qid, st, FALSE, NULL, top FROM heads WHERE top IS NOT NULL
    ORDER BY overdue DESC, due, top DESC
  LOOP
    IF v_lane.overdue THEN
      SELECT i."id" INTO v_id FROM "Item" i
      WHERE i."queueId" = v_lane.qid AND i."state" = v_lane.st AND i."dueAt" <= p_now
        AND (i."leaseExpiresAt" IS NULL OR i."leaseExpiresAt" < p_now) AND (i."assignedToId" IS NULL OR i."assignedToId" = p_user)
        AND NOT EXISTS (SELECT 1 FROM "Claim" k WHERE k."itemId" = i."id" AND k."userId" = p_user AND k."endReason" = 'skipped')
      ORDER BY i."queueId", i."state", i."dueAt" LIMIT 1 FOR UPDATE SKIP LOCKED;
    ELSE
      SELECT i."id" INTO v_id FROM "Item" i
      WHERE i."queueId" = v_lane.qid AND i."state" = v_lane.st
        AND (i."leaseExpiresAt" IS NULL OR i."leaseExpiresAt" < p_now) AND (i."assignedToId" IS NULL OR i."assignedToId" = p_user)
        AND NOT EXISTS (SELECT 1 FROM "Claim" k WHERE k."itemId" = i."id" AND k."userId" = p_user AND k."endReason" = 'skipped')
      ORDER BY i."queueId", i."state", i."priority" DESC, i."firstFlaggedAt" LIMIT 1 FOR UPDATE SKIP LOCKED;
    END IF;
    IF v_id IS NOT NULL THEN
      RETURN QUERY UPDATE "Item" SET "claimId" = p_claim, "claimedById" = p_user, "leaseExpiresAt" = p_expires, "updatedAt" = p_now
        WHERE "Item"."id" = v_id AND ("Item"."leaseExpiresAt" IS NULL OR "Item"."leaseExpiresAt" < p_now)
        RETURNING 'claimed'::TEXT, "Item"."id", p_claim, p_expires, "Item"."queueId",
          CASE WHEN EXISTS (SELECT 1 FROM "Claim" c WHERE c."itemId" = "Item"."id" AND c."endedAt" IS NULL) THEN 1 ELSE 0 END;
      IF FOUND THEN RETURN; END IF;
    END IF;
  END LOOP;
END;
$$;
