-- Review quality and moderator care: sampling rules, blind second reviews and their adjudication,
-- calibration items and answers, the leads' settings, and media reveals for exposure counts.
-- See docs/decisions/034-quality-review.md, 035-calibration-items.md, 036-moderator-care.md and 037-agreement-statistics.md.
ALTER TABLE "Decision" ADD COLUMN "qualityReviewId" TEXT;

CREATE TABLE "SamplingRule" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "name" TEXT NOT NULL,
  "queueId" TEXT,
  "labelSetId" TEXT,
  "moderatorId" TEXT,
  "percent" DOUBLE PRECISION NOT NULL CHECK ("percent" >= 0 AND "percent" <= 100),
  "minPerWeek" INTEGER NOT NULL DEFAULT 0 CHECK ("minPerWeek" >= 0),
  "actionQuotas" TEXT NOT NULL DEFAULT '{}',
  "active" BOOLEAN NOT NULL DEFAULT true,
  "createdById" TEXT NOT NULL,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMP(3) NOT NULL
);

CREATE TABLE "QualityReview" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "decisionId" TEXT NOT NULL REFERENCES "Decision"("id"),
  "itemId" TEXT NOT NULL REFERENCES "Item"("id"),
  "queueId" TEXT,
  "ruleId" TEXT,
  "sampledBecause" TEXT NOT NULL,
  "firstUserId" TEXT NOT NULL,
  "versionId" TEXT,
  "state" TEXT NOT NULL DEFAULT 'open' CHECK ("state" IN ('open','agreed','disagreed','adjudicated')),
  "sampledAt" TIMESTAMP(3) NOT NULL,
  "claimId" TEXT,
  "claimedById" TEXT,
  "leaseExpiresAt" TIMESTAMP(3),
  "reviewerId" TEXT,
  "reviewedAt" TIMESTAMP(3),
  "action" "Action",
  "labelKeys" TEXT NOT NULL DEFAULT '[]',
  "rationale" TEXT,
  "ruling" TEXT CHECK ("ruling" IN ('first','second','neither')),
  "errorType" TEXT CHECK ("errorType" IN ('false_positive','false_negative','wrong_label','technical')),
  "adjudicationNote" TEXT,
  "adjudicatedById" TEXT,
  "adjudicatedAt" TIMESTAMP(3),
  "correctionDecisionId" TEXT,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMP(3) NOT NULL
);
CREATE UNIQUE INDEX "QualityReview_decisionId_key" ON "QualityReview"("decisionId");
CREATE INDEX "QualityReview_queueId_state_sampledAt_idx" ON "QualityReview"("queueId", "state", "sampledAt");
CREATE INDEX "QualityReview_state_reviewedAt_idx" ON "QualityReview"("state", "reviewedAt");
CREATE INDEX "QualityReview_claimedById_idx" ON "QualityReview"("claimedById");
CREATE INDEX "QualityReview_reviewerId_reviewedAt_idx" ON "QualityReview"("reviewerId", "reviewedAt");
CREATE INDEX "QualityReview_firstUserId_sampledAt_idx" ON "QualityReview"("firstUserId", "sampledAt");

CREATE TABLE "CalibrationItem" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "title" TEXT,
  "body" TEXT NOT NULL,
  "type" TEXT NOT NULL DEFAULT 'post',
  "language" TEXT,
  "mediaUrls" TEXT NOT NULL DEFAULT '[]',
  "source" "FlagSource" NOT NULL DEFAULT 'user_report',
  "reason" TEXT NOT NULL,
  "sourceItemId" TEXT,
  "versionId" TEXT NOT NULL REFERENCES "LabelSetVersion"("id"),
  "expectedAction" "Action" NOT NULL,
  "expectedLabelKeys" TEXT NOT NULL DEFAULT '[]',
  "explanation" TEXT NOT NULL,
  "active" BOOLEAN NOT NULL DEFAULT true,
  "createdById" TEXT NOT NULL,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMP(3) NOT NULL
);

CREATE TABLE "CalibrationAnswer" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "calibrationItemId" TEXT NOT NULL REFERENCES "CalibrationItem"("id"),
  "userId" TEXT NOT NULL,
  "claimId" TEXT NOT NULL,
  "servedAt" TIMESTAMP(3) NOT NULL,
  "expiresAt" TIMESTAMP(3) NOT NULL,
  "outcome" TEXT CHECK ("outcome" IN ('answered','released')),
  "answeredAt" TIMESTAMP(3),
  "action" "Action",
  "labelKeys" TEXT NOT NULL DEFAULT '[]',
  "rationale" TEXT,
  "actionCorrect" BOOLEAN,
  "labelsCorrect" BOOLEAN
);
CREATE INDEX "CalibrationAnswer_userId_answeredAt_idx" ON "CalibrationAnswer"("userId", "answeredAt");
CREATE INDEX "CalibrationAnswer_calibrationItemId_idx" ON "CalibrationAnswer"("calibrationItemId");

CREATE TABLE "QualitySettings" (
  "id" INTEGER NOT NULL PRIMARY KEY CHECK ("id" = 1),
  "calibrationPercent" DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK ("calibrationPercent" >= 0 AND "calibrationPercent" <= 100),
  "showExplanation" BOOLEAN NOT NULL DEFAULT true,
  "shiftHours" INTEGER NOT NULL DEFAULT 8 CHECK ("shiftHours" BETWEEN 1 AND 24),
  "highSeverityCap" INTEGER CHECK ("highSeverityCap" IS NULL OR "highSeverityCap" >= 0),
  "highSeverityFrom" INTEGER NOT NULL DEFAULT 3,
  "updatedById" TEXT,
  "updatedAt" TIMESTAMP(3) NOT NULL
);
INSERT INTO "QualitySettings" ("id", "updatedAt") VALUES (1, CURRENT_TIMESTAMP);

CREATE TABLE "MediaReveal" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "userId" TEXT NOT NULL,
  "itemId" TEXT NOT NULL,
  "at" TIMESTAMP(3) NOT NULL
);
CREATE INDEX "MediaReveal_userId_at_idx" ON "MediaReveal"("userId", "at");
