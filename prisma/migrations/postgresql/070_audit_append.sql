-- Seals one audit event into the chain where the chain's head is locked
-- (docs/decisions/021-audit-appends-seal-at-commit.md). The caller sends the event's fields and its
-- canonical encoding split around the sequence number; this takes the head's row lock, gives the
-- event the next number, hashes `prevHash \n before seq after` (the same bytes Node hashes when it
-- verifies), inserts the event and moves the head. Callers run it as the last statement before
-- COMMIT, so the one lock every audited write shares is held only for this and the commit.
CREATE OR REPLACE FUNCTION docket_audit_append(
  p_at TIMESTAMP(3), p_actor_id TEXT, p_actor_label TEXT, p_action TEXT, p_subject_type TEXT,
  p_subject_id TEXT, p_payload TEXT, p_before TEXT, p_after TEXT
) RETURNS TABLE ("seq" INTEGER, "hash" TEXT) LANGUAGE plpgsql AS $$
DECLARE
  v_seq INTEGER;
  v_prev TEXT;
  v_hash TEXT;
BEGIN
  SELECT h."seq" + 1, h."hash" INTO v_seq, v_prev FROM "AuditHead" h WHERE h."id" = 1 FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'the audit head row is missing';
  END IF;
  v_hash := encode(sha256(convert_to(v_prev || E'\n' || p_before || v_seq::TEXT || p_after, 'UTF8')), 'hex');
  INSERT INTO "AuditEvent" ("seq", "at", "actorId", "actorLabel", "action", "subjectType", "subjectId", "payload", "prevHash", "hash")
  VALUES (v_seq, p_at, p_actor_id, p_actor_label, p_action, p_subject_type, p_subject_id, p_payload, v_prev, v_hash);
  UPDATE "AuditHead" h SET "seq" = v_seq, "hash" = v_hash WHERE h."id" = 1;
  RETURN QUERY SELECT v_seq, v_hash;
END
$$;
