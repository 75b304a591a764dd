-- The queue list counts items by source, reason, language and state (and how many are overdue) in
-- one grouped pass; this index lets that pass walk the index in order instead of sorting the table.
-- "state" is deliberately not its first column, so the claim statement's plan (state = ?, ordered
-- by priority) can never be drawn to it.
CREATE INDEX "Item_strongestSource_topReason_language_state_dueAt_idx" ON "Item"("strongestSource", "topReason", "language", "state", "dueAt");
