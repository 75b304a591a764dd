-- Platform integration: scoped API keys, and webhooks derived from the audit log and delivered with
-- leases and retries. See docs/decisions/042-webhook-delivery.md and 043-api-key-scopes.md.

-- Every key made before scopes existed holds all of them.
ALTER TABLE "ApiKey" ADD COLUMN "scopes" TEXT NOT NULL DEFAULT '["flags:write","decisions:read","statements:read","labels:read","items:read","appeals:write","webhooks:manage"]';

CREATE TABLE "WebhookEndpoint" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "platform" TEXT NOT NULL,
  "url" TEXT NOT NULL,
  "events" TEXT NOT NULL,
  "description" TEXT NOT NULL DEFAULT '',
  "secret" TEXT NOT NULL,
  "previousSecret" TEXT,
  "previousSecretUntil" TIMESTAMP(3),
  "startSeq" INTEGER NOT NULL,
  "createdByKeyId" TEXT,
  "createdByUserId" TEXT,
  "failingSince" TIMESTAMP(3),
  "disabledAt" TIMESTAMP(3),
  "disabledReason" TEXT,
  "deletedAt" TIMESTAMP(3),
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMP(3) NOT NULL
);
CREATE INDEX "WebhookEndpoint_platform_deletedAt_idx" ON "WebhookEndpoint"("platform", "deletedAt");

CREATE TABLE "WebhookMessage" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "seq" INTEGER NOT NULL,
  "type" TEXT NOT NULL,
  "platform" TEXT NOT NULL,
  "payload" TEXT NOT NULL,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "WebhookMessage_seq_key" ON "WebhookMessage"("seq");

CREATE TABLE "WebhookDelivery" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "messageId" TEXT NOT NULL,
  "endpointId" TEXT NOT NULL,
  "state" TEXT NOT NULL DEFAULT 'pending',
  "attempts" INTEGER NOT NULL DEFAULT 0,
  "retryIndex" INTEGER NOT NULL DEFAULT 0,
  "nextAttemptAt" TIMESTAMP(3) NOT NULL,
  "leaseToken" TEXT,
  "leaseUntil" TIMESTAMP(3),
  "lastAttemptAt" TIMESTAMP(3),
  "lastStatus" INTEGER,
  "lastError" TEXT,
  "deliveredAt" TIMESTAMP(3),
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "WebhookDelivery_messageId_endpointId_key" ON "WebhookDelivery"("messageId", "endpointId");
CREATE INDEX "WebhookDelivery_state_nextAttemptAt_idx" ON "WebhookDelivery"("state", "nextAttemptAt");
CREATE INDEX "WebhookDelivery_endpointId_createdAt_idx" ON "WebhookDelivery"("endpointId", "createdAt");

CREATE TABLE "WebhookAttempt" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "deliveryId" TEXT NOT NULL,
  "endpointId" TEXT NOT NULL,
  "startedAt" TIMESTAMP(3) NOT NULL,
  "durationMs" INTEGER NOT NULL,
  "statusCode" INTEGER,
  "outcome" TEXT NOT NULL,
  "responseExcerpt" TEXT NOT NULL DEFAULT '',
  "error" TEXT
);
CREATE INDEX "WebhookAttempt_deliveryId_startedAt_idx" ON "WebhookAttempt"("deliveryId", "startedAt");
CREATE INDEX "WebhookAttempt_endpointId_startedAt_idx" ON "WebhookAttempt"("endpointId", "startedAt");

-- Fan-out starts at the present: events recorded before webhooks existed have no endpoint to go to.
CREATE TABLE "WebhookFanout" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "seq" INTEGER NOT NULL
);
INSERT INTO "WebhookFanout" ("id", "seq") SELECT 'head', COALESCE(MAX("seq"), 0) FROM "AuditEvent";
