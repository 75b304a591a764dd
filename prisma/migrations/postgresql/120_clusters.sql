-- Near-duplicate clusters and referral campaigns: every item belongs to a cluster (alone, until a
-- near-duplicate joins it), found at intake through an LSH band index; cluster decisions run as
-- resumable jobs in member-sized chunks. See docs/decisions/038-near-duplicate-clusters.md and
-- 039-cluster-decisions.md.
ALTER TABLE "Item" ADD COLUMN "clusterId" TEXT;
-- The item's MinHash signature (base64 of its values' low 16 bits) and how many shingles it was built from;
-- null for texts too short to be clustered by similarity.
ALTER TABLE "Item" ADD COLUMN "signature" TEXT;
ALTER TABLE "Item" ADD COLUMN "shingleCount" INTEGER;
CREATE INDEX "Item_clusterId_state_idx" ON "Item"("clusterId", "state");

ALTER TABLE "Decision" ADD COLUMN "clusterDecisionId" TEXT;
CREATE INDEX "Decision_clusterDecisionId_idx" ON "Decision"("clusterDecisionId");

CREATE TABLE "Cluster" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "representativeItemId" TEXT NOT NULL,
  "size" INTEGER NOT NULL DEFAULT 1,
  "strongestSource" "FlagSource" NOT NULL,
  "firstDueAt" TIMESTAMP(3),
  "mergedIntoId" TEXT,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMP(3) NOT NULL
);

-- One row per band key per cluster: the member that first brought the key, whose signature a
-- newcomer is compared with. A probe is a primary-key lookup.
CREATE TABLE "ClusterBand" (
  "bandKey" BIGINT NOT NULL,
  "clusterId" TEXT NOT NULL,
  "itemId" TEXT NOT NULL,
  PRIMARY KEY ("bandKey", "clusterId")
);
CREATE INDEX "ClusterBand_clusterId_idx" ON "ClusterBand"("clusterId");

CREATE TABLE "ClusterDecision" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "clusterId" TEXT NOT NULL,
  "itemId" TEXT NOT NULL,
  "decisionId" TEXT NOT NULL,
  "userId" TEXT NOT NULL,
  "action" "Action" NOT NULL,
  "labelIds" TEXT NOT NULL DEFAULT '[]',
  "labelKeys" TEXT NOT NULL DEFAULT '[]',
  "versionId" TEXT,
  "rationale" TEXT NOT NULL DEFAULT '',
  "memberIds" TEXT NOT NULL DEFAULT '[]',
  "total" INTEGER NOT NULL,
  "nextIndex" INTEGER NOT NULL DEFAULT 0,
  "decided" INTEGER NOT NULL DEFAULT 0,
  "skipped" INTEGER NOT NULL DEFAULT 0,
  "state" TEXT NOT NULL DEFAULT 'running' CHECK ("state" IN ('running','done','failed')),
  "error" TEXT,
  "runnerId" TEXT,
  "leaseExpiresAt" TIMESTAMP(3),
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMP(3) NOT NULL,
  "finishedAt" TIMESTAMP(3)
);
CREATE INDEX "ClusterDecision_state_leaseExpiresAt_idx" ON "ClusterDecision"("state", "leaseExpiresAt");
CREATE INDEX "ClusterDecision_clusterId_idx" ON "ClusterDecision"("clusterId");

-- Campaigns are the flags that share a referral or removal-order reference.
CREATE INDEX "Flag_reference_idx" ON "Flag"("reference") WHERE "reference" IS NOT NULL;

-- Items received before clusters existed keep their copy groups: items with the same digest (exact
-- copies of the normalised text) share a cluster named after the oldest of them, the others stand
-- alone. They carry no signature, so only exact copies are grouped for them.
INSERT INTO "Cluster" ("id", "representativeItemId", "size", "strongestSource", "firstDueAt", "createdAt", "updatedAt")
  SELECT 'c' || MIN("id"), MIN("id"), COUNT(*),
    (CASE MIN(CASE "strongestSource" WHEN 'removal_order' THEN 0 WHEN 'trusted_flagger' THEN 1 WHEN 'authority_referral' THEN 2 WHEN 'user_report' THEN 3 ELSE 4 END)
      WHEN 0 THEN 'removal_order' WHEN 1 THEN 'trusted_flagger' WHEN 2 THEN 'authority_referral' WHEN 3 THEN 'user_report' ELSE 'automated' END)::"FlagSource",
    MIN("dueAt"), MIN("createdAt"), MAX("updatedAt")
  FROM "Item" GROUP BY COALESCE("contentDigest", "id");
UPDATE "Item" SET "clusterId" = 'c' || (SELECT MIN(c."id") FROM "Item" c WHERE c."contentDigest" = "Item"."contentDigest") WHERE "contentDigest" IS NOT NULL;
UPDATE "Item" SET "clusterId" = 'c' || "id" WHERE "contentDigest" IS NULL;
