-- Docket schema, SQLite. Mirrors prisma/models.prisma; tests/integration/schema.test.ts compares them.
CREATE TABLE "User" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "email" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "role" TEXT NOT NULL CHECK ("role" IN ('moderator','policy_lead','auditor','admin')),
  "passwordHash" TEXT NOT NULL,
  "disabled" BOOLEAN NOT NULL DEFAULT false,
  "revealMedia" BOOLEAN NOT NULL DEFAULT false,
  "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" DATETIME NOT NULL
);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

CREATE TABLE "Session" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "userId" TEXT NOT NULL REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  "expiresAt" DATETIME NOT NULL,
  "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
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
  "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "revokedAt" DATETIME,
  "lastUsedAt" DATETIME
);
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

CREATE TABLE "RateLimit" (
  "key" TEXT NOT NULL PRIMARY KEY,
  "count" INTEGER NOT NULL,
  "windowStart" DATETIME NOT NULL
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
  "postedAt" DATETIME,
  "authorExternalId" TEXT,
  "authorHandle" TEXT,
  "contentDigest" TEXT,
  "state" TEXT NOT NULL DEFAULT 'pending' CHECK ("state" IN ('pending','escalated','decided','appealed')),
  "priority" INTEGER NOT NULL DEFAULT 0,
  "dueAt" DATETIME,
  "strongestSource" TEXT NOT NULL CHECK ("strongestSource" IN ('removal_order','authority_referral','trusted_flagger','user_report','automated')),
  "topReason" TEXT NOT NULL,
  "flagCount" INTEGER NOT NULL DEFAULT 0,
  "reporterCount" INTEGER NOT NULL DEFAULT 0,
  "countsBySource" TEXT NOT NULL DEFAULT '{}',
  "countsByReason" TEXT NOT NULL DEFAULT '{}',
  "firstFlaggedAt" DATETIME NOT NULL,
  "lastFlaggedAt" DATETIME NOT NULL,
  "claimId" TEXT,
  "claimedById" TEXT,
  "leaseExpiresAt" DATETIME,
  "decidedAt" DATETIME,
  "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" DATETIME NOT NULL
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
  "source" TEXT NOT NULL CHECK ("source" IN ('removal_order','authority_referral','trusted_flagger','user_report','automated')),
  "reason" TEXT NOT NULL,
  "note" TEXT,
  "reporterId" TEXT,
  "reference" TEXT,
  "receivedAt" DATETIME NOT NULL,
  "dueAt" DATETIME,
  "apiKeyId" TEXT REFERENCES "ApiKey"("id") ON DELETE SET NULL ON UPDATE CASCADE,
  "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "Flag_platform_externalId_key" ON "Flag"("platform", "externalId");
CREATE INDEX "Flag_itemId_idx" ON "Flag"("itemId");
CREATE INDEX "Flag_receivedAt_idx" ON "Flag"("receivedAt");

CREATE TABLE "Claim" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "itemId" TEXT NOT NULL REFERENCES "Item"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "userId" TEXT NOT NULL REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "claimedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "expiresAt" DATETIME NOT NULL,
  "endedAt" DATETIME,
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
  "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "LabelSet_key_key" ON "LabelSet"("key");

CREATE TABLE "LabelSetVersion" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "labelSetId" TEXT NOT NULL REFERENCES "LabelSet"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "number" INTEGER NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'draft' CHECK ("status" IN ('draft','published','retired')),
  "changeNote" TEXT NOT NULL DEFAULT '',
  "createdById" TEXT,
  "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" DATETIME NOT NULL,
  "publishedAt" DATETIME,
  "publishedById" TEXT,
  "retiredAt" DATETIME
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
  "group" TEXT NOT NULL CHECK ("group" IN ('allowed','violating','process')),
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
  "action" TEXT NOT NULL CHECK ("action" IN ('keep','remove','restrict','escalate')),
  "rationale" TEXT NOT NULL DEFAULT '',
  "labelKeys" TEXT NOT NULL DEFAULT '[]',
  "snapshot" TEXT NOT NULL,
  "copyOfDecisionId" TEXT,
  "byLead" BOOLEAN NOT NULL DEFAULT false,
  "createdAt" DATETIME NOT NULL
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
  "at" DATETIME NOT NULL,
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

CREATE TRIGGER "AuditEvent_no_update" BEFORE UPDATE ON "AuditEvent"
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER "AuditEvent_no_delete" BEFORE DELETE ON "AuditEvent"
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE "AuditHead" (
  "id" INTEGER NOT NULL PRIMARY KEY,
  "seq" INTEGER NOT NULL,
  "hash" TEXT NOT NULL
);
INSERT INTO "AuditHead" ("id", "seq", "hash") VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TRIGGER "AuditHead_no_delete" BEFORE DELETE ON "AuditHead"
BEGIN SELECT RAISE(ABORT, 'the audit head cannot be deleted'); END;
