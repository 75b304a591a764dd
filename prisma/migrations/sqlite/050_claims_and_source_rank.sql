-- One rank of flag sources (docs/decisions/017-one-rank-of-flag-sources.md): a trusted flagger now
-- outranks an authority referral instead of tying with it, where the first of the two to arrive
-- used to win. Items flagged by both take the trusted flagger as their strongest source. Their
-- priority does not change: both sources weigh the same.
UPDATE "Item" SET "strongestSource" = 'trusted_flagger'
WHERE "strongestSource" = 'authority_referral' AND "countsBySource" LIKE '%"trusted_flagger"%';

-- A claim first looks for the lease its user already holds (one item per user and queue).
CREATE INDEX "Item_claimedById_idx" ON "Item"("claimedById");
