-- Docket schema, PostgreSQL. Mirrors prisma/models.prisma; tests/integration/schema.test.ts compares them.
CREATE TYPE "Role" AS ENUM ('moderator', 'policy_lead', 'auditor', 'admin');
CREATE TYPE "FlagSource" AS ENUM ('removal_order', 'authority_referral', 'trusted_flagger', 'user_report', 'automated');
CREATE TYPE "ItemState" AS ENUM ('pending', 'escalated', 'decided', 'appealed');
CREATE TYPE "VersionStatus" AS ENUM ('draft', 'published', 'retired');
CREATE TYPE "LabelGroup" AS ENUM ('allowed', 'violating', 'process');
CREATE TYPE "Action" AS ENUM ('keep', 'remove', 'restrict', 'escalate');

CREATE TABLE "User" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "email" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "role" "Role" NOT NULL,
  "passwordHash" TEXT NOT NULL,
  "disabled" BOOLEAN NOT NULL DEFAULT false,
  "revealMedia" BOOLEAN NOT NULL DEFAULT false,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMP(3) NOT NULL
);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

CREATE TABLE "Session" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "userId" TEXT NOT NULL REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  "expiresAt" TIMESTAMP(3) NOT NULL,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "Session_userId_idx" ON "Session"("userId");
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

CREATE TABLE "ApiKey" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "name" TEXT NOT NULL,
  "platform" TEXT NOT NULL DEFAULT 'default',
  "prefix" TEXT NOT NULL,
  "hash" TEXT NOT NULL,
  "createdById" TEXT NOT NULL REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "revokedAt" TIMESTAMP(3),
  "lastUsedAt" TIMESTAMP(3)
);
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

CREATE TABLE "RateLimit" (
  "key" TEXT NOT NULL PRIMARY KEY,
  "count" INTEGER NOT NULL,
  "windowStart" TIMESTAMP(3) NOT NULL
);

CREATE TABLE "Item" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "platform" TEXT NOT NULL,
  "externalId" TEXT NOT NULL,
  "type" TEXT NOT NULL,
  "title" TEXT,
  "body" TEXT,
  "url" TEXT,
  "mediaUrls" TEXT NOT NULL DEFAULT '[]',
  "language" TEXT,
  "postedAt" TIMESTAMP(3),
  "authorExternalId" TEXT,
  "authorHandle" TEXT,
  "contentDigest" TEXT,
  "state" "ItemState" NOT NULL DEFAULT 'pending',
  "priority" INTEGER NOT NULL DEFAULT 0,
  "dueAt" TIMESTAMP(3),
  "strongestSource" "FlagSource" NOT NULL,
  "topReason" TEXT NOT NULL,
  "flagCount" INTEGER NOT NULL DEFAULT 0,
  "reporterCount" INTEGER NOT NULL DEFAULT 0,
  "countsBySource" TEXT NOT NULL DEFAULT '{}',
  "countsByReason" TEXT NOT NULL DEFAULT '{}',
  "firstFlaggedAt" TIMESTAMP(3) NOT NULL,
  "lastFlaggedAt" TIMESTAMP(3) NOT NULL,
  "claimId" TEXT,
  "claimedById" TEXT,
  "leaseExpiresAt" TIMESTAMP(3),
  "decidedAt" TIMESTAMP(3),
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMP(3) NOT NULL
);
CREATE UNIQUE INDEX "Item_platform_externalId_key" ON "Item"("platform", "externalId");
CREATE INDEX "Item_state_priority_firstFlaggedAt_idx" ON "Item"("state", "priority" DESC, "firstFlaggedAt");
CREATE INDEX "Item_state_dueAt_idx" ON "Item"("state", "dueAt");
CREATE INDEX "Item_contentDigest_idx" ON "Item"("contentDigest");
CREATE INDEX "Item_authorExternalId_idx" ON "Item"("authorExternalId");

CREATE TABLE "Flag" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "itemId" TEXT NOT NULL REFERENCES "Item"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "platform" TEXT NOT NULL,
  "externalId" TEXT,
  "source" "FlagSource" NOT NULL,
  "reason" TEXT NOT NULL,
  "note" TEXT,
  "reporterId" TEXT,
  "reference" TEXT,
  "receivedAt" TIMESTAMP(3) NOT NULL,
  "dueAt" TIMESTAMP(3),
  "apiKeyId" TEXT REFERENCES "ApiKey"("id") ON DELETE SET NULL ON UPDATE CASCADE,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "Flag_platform_externalId_key" ON "Flag"("platform", "externalId");
CREATE INDEX "Flag_itemId_idx" ON "Flag"("itemId");
CREATE INDEX "Flag_receivedAt_idx" ON "Flag"("receivedAt");

CREATE TABLE "Claim" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "itemId" TEXT NOT NULL REFERENCES "Item"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "userId" TEXT NOT NULL REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "claimedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "expiresAt" TIMESTAMP(3) NOT NULL,
  "endedAt" TIMESTAMP(3),
  "endReason" TEXT,
  "note" TEXT
);
CREATE INDEX "Claim_itemId_idx" ON "Claim"("itemId");
CREATE INDEX "Claim_userId_endReason_idx" ON "Claim"("userId", "endReason");

CREATE TABLE "LabelSet" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "key" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "description" TEXT NOT NULL DEFAULT '',
  "reasons" TEXT NOT NULL DEFAULT '[]',
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "LabelSet_key_key" ON "LabelSet"("key");

CREATE TABLE "LabelSetVersion" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "labelSetId" TEXT NOT NULL REFERENCES "LabelSet"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "number" INTEGER NOT NULL,
  "status" "VersionStatus" NOT NULL DEFAULT 'draft',
  "changeNote" TEXT NOT NULL DEFAULT '',
  "createdById" TEXT,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMP(3) NOT NULL,
  "publishedAt" TIMESTAMP(3),
  "publishedById" TEXT,
  "retiredAt" TIMESTAMP(3)
);
CREATE UNIQUE INDEX "LabelSetVersion_labelSetId_number_key" ON "LabelSetVersion"("labelSetId", "number");
CREATE INDEX "LabelSetVersion_labelSetId_status_idx" ON "LabelSetVersion"("labelSetId", "status");
-- At most one live and one draft version per set, whatever the application does.
CREATE UNIQUE INDEX "LabelSetVersion_one_published" ON "LabelSetVersion"("labelSetId") WHERE "status" = 'published';
CREATE UNIQUE INDEX "LabelSetVersion_one_draft" ON "LabelSetVersion"("labelSetId") WHERE "status" = 'draft';

CREATE TABLE "Label" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "versionId" TEXT NOT NULL REFERENCES "LabelSetVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "key" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "group" "LabelGroup" NOT NULL,
  "position" INTEGER NOT NULL,
  "definition" TEXT NOT NULL,
  "cues" TEXT NOT NULL DEFAULT '[]',
  "notWhen" TEXT NOT NULL DEFAULT '',
  "positiveExamples" TEXT NOT NULL DEFAULT '[]',
  "negativeExamples" TEXT NOT NULL DEFAULT '[]',
  "severity" INTEGER NOT NULL DEFAULT 0,
  "defaultAction" TEXT NOT NULL,
  "rationaleRequired" BOOLEAN NOT NULL DEFAULT false,
  "retired" BOOLEAN NOT NULL DEFAULT false,
  "sorCategory" TEXT,
  "sorKeywords" TEXT NOT NULL DEFAULT '[]',
  "sorGround" TEXT
);
CREATE UNIQUE INDEX "Label_versionId_key_key" ON "Label"("versionId", "key");

CREATE TABLE "Decision" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "seq" INTEGER NOT NULL,
  "itemId" TEXT NOT NULL REFERENCES "Item"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "userId" TEXT NOT NULL REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "claimId" TEXT,
  "versionId" TEXT REFERENCES "LabelSetVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE,
  "action" "Action" NOT NULL,
  "rationale" TEXT NOT NULL DEFAULT '',
  "labelKeys" TEXT NOT NULL DEFAULT '[]',
  "snapshot" TEXT NOT NULL,
  "copyOfDecisionId" TEXT,
  "byLead" BOOLEAN NOT NULL DEFAULT false,
  "createdAt" TIMESTAMP(3) NOT NULL
);
CREATE UNIQUE INDEX "Decision_seq_key" ON "Decision"("seq");
CREATE INDEX "Decision_itemId_idx" ON "Decision"("itemId");
CREATE INDEX "Decision_createdAt_idx" ON "Decision"("createdAt");

CREATE TABLE "DecisionLabel" (
  "decisionId" TEXT NOT NULL REFERENCES "Decision"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "labelId" TEXT NOT NULL REFERENCES "Label"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  PRIMARY KEY ("decisionId", "labelId")
);
CREATE INDEX "DecisionLabel_labelId_idx" ON "DecisionLabel"("labelId");

CREATE TABLE "AuditEvent" (
  "seq" INTEGER NOT NULL PRIMARY KEY,
  "at" TIMESTAMP(3) NOT NULL,
  "actorId" TEXT,
  "actorLabel" TEXT NOT NULL,
  "action" TEXT NOT NULL,
  "subjectType" TEXT NOT NULL,
  "subjectId" TEXT,
  "payload" TEXT NOT NULL,
  "prevHash" TEXT NOT NULL,
  "hash" TEXT NOT NULL
);
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");
CREATE INDEX "AuditEvent_actorId_seq_idx" ON "AuditEvent"("actorId", "seq");
CREATE INDEX "AuditEvent_action_at_idx" ON "AuditEvent"("action", "at");
CREATE INDEX "AuditEvent_subjectType_subjectId_idx" ON "AuditEvent"("subjectType", "subjectId");

CREATE FUNCTION docket_refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER "AuditEvent_no_update" BEFORE UPDATE ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION docket_refuse_audit_change();
CREATE TRIGGER "AuditEvent_no_delete" BEFORE DELETE ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION docket_refuse_audit_change();
CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON "AuditEvent" FOR EACH STATEMENT EXECUTE FUNCTION docket_refuse_audit_change();

CREATE TABLE "AuditHead" (
  "id" INTEGER NOT NULL PRIMARY KEY,
  "seq" INTEGER NOT NULL,
  "hash" TEXT NOT NULL
);
INSERT INTO "AuditHead" ("id", "seq", "hash") VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TRIGGER "AuditHead_no_delete" BEFORE DELETE ON "AuditHead" FOR EACH ROW EXECUTE FUNCTION docket_refuse_audit_change();
