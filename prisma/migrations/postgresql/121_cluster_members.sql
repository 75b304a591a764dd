-- A cluster's members in the order its pages list them (earliest flagged first): the review screen
-- and the cluster page read one page of 50 from clusters of tens of thousands without sorting them all,
-- and a merge or split finds the new representative with one index step.
CREATE INDEX "Item_clusterId_firstFlaggedAt_id_idx" ON "Item"("clusterId", "firstFlaggedAt", "id");
