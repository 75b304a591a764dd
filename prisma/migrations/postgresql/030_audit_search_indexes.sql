-- Keyset pages of the audit log filtered by action, and time-range exports, walk these indexes in
-- order instead of sorting the matching rows.
CREATE INDEX "AuditEvent_action_seq_idx" ON "AuditEvent"("action", "seq");
CREATE INDEX "AuditEvent_at_seq_idx" ON "AuditEvent"("at", "seq");
CREATE INDEX "Decision_createdAt_seq_idx" ON "Decision"("createdAt", "seq");
CREATE INDEX "Decision_action_seq_idx" ON "Decision"("action", "seq");
