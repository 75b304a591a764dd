-- Appeals against decisions (DSA Art. 20, TCO Art. 10), the decision that replaces a contested one,
-- the answer templates, and the Appeals queue with a routing rule for it.
-- See docs/decisions/032-appeals.md.
CREATE TABLE "Appeal" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "platform" TEXT NOT NULL,
  "externalId" TEXT NOT NULL,
  "decisionId" TEXT NOT NULL REFERENCES "Decision"("id"),
  "itemId" TEXT NOT NULL REFERENCES "Item"("id"),
  "appellantRole" TEXT NOT NULL CHECK ("appellantRole" IN ('content_author','notifier')),
  "appellantId" TEXT NOT NULL,
  "statement" TEXT NOT NULL,
  "channel" TEXT NOT NULL DEFAULT 'api',
  "receivedAt" DATETIME NOT NULL,
  "dueAt" DATETIME NOT NULL,
  "state" TEXT NOT NULL DEFAULT 'open' CHECK ("state" IN ('open','decided')),
  "queueId" TEXT,
  "routedBy" TEXT,
  "routeNote" TEXT,
  "claimId" TEXT,
  "claimedById" TEXT,
  "leaseExpiresAt" DATETIME,
  "apiKeyId" TEXT,
  "recordedById" TEXT,
  "outcome" TEXT CHECK ("outcome" IN ('upheld','overturned','modified')),
  "rationale" TEXT,
  "answer" TEXT,
  "decidedById" TEXT,
  "decidedAt" DATETIME,
  "newDecisionId" TEXT,
  "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" DATETIME NOT NULL
);
CREATE UNIQUE INDEX "Appeal_platform_externalId_key" ON "Appeal"("platform", "externalId");
CREATE INDEX "Appeal_decisionId_idx" ON "Appeal"("decisionId");
CREATE INDEX "Appeal_itemId_idx" ON "Appeal"("itemId");
CREATE INDEX "Appeal_queueId_state_dueAt_id_idx" ON "Appeal"("queueId", "state", "dueAt", "id");
CREATE INDEX "Appeal_state_dueAt_idx" ON "Appeal"("state", "dueAt");
CREATE INDEX "Appeal_claimedById_idx" ON "Appeal"("claimedById");
CREATE INDEX "Appeal_decidedAt_idx" ON "Appeal"("decidedAt");
-- One open appeal per person and decision, whatever two requests do at once.
CREATE UNIQUE INDEX "Appeal_one_open_per_appellant" ON "Appeal"("decisionId", "appellantRole", "appellantId") WHERE "state" = 'open';

ALTER TABLE "Decision" ADD COLUMN "supersedesId" TEXT REFERENCES "Decision"("id");
ALTER TABLE "Decision" ADD COLUMN "appealId" TEXT;
CREATE UNIQUE INDEX "Decision_supersedesId_key" ON "Decision"("supersedesId");

CREATE TABLE "AppealAnswerTemplate" (
  "outcome" TEXT NOT NULL PRIMARY KEY CHECK ("outcome" IN ('upheld','overturned','modified')),
  "body" TEXT NOT NULL,
  "updatedById" TEXT,
  "updatedAt" DATETIME NOT NULL
);
INSERT INTO "AppealAnswerTemplate" ("outcome", "body", "updatedAt") VALUES
  ('upheld', 'We have reviewed your complaint about our decision of {decisionDate} ({decisionAction}). The review was made by a member of our team who took no part in the original decision. We have kept the decision in place.

Our reasons: {summary}', CAST(strftime('%s','now') AS INTEGER) * 1000),
  ('overturned', 'We have reviewed your complaint about our decision of {decisionDate} ({decisionAction}). The review was made by a member of our team who took no part in the original decision. We have reversed the decision; the content is now: {newAction}.

Our reasons: {summary}', CAST(strftime('%s','now') AS INTEGER) * 1000),
  ('modified', 'We have reviewed your complaint about our decision of {decisionDate} ({decisionAction}). The review was made by a member of our team who took no part in the original decision. We have changed the decision; the content is now: {newAction}.

Our reasons: {summary}', CAST(strftime('%s','now') AS INTEGER) * 1000);

-- The Appeals queue (14 days to answer, TCO Art. 10) with the reviewers of an existing installation.
-- The queue sets no hours of its own, so DOCKET_APPEAL_DEADLINE_HOURS applies; a team's own queue
-- named "Appeals" keeps its name.
INSERT INTO "Queue" ("id", "name", "description", "deadlineHours", "createdAt", "updatedAt")
SELECT 'queue-appeals',
  CASE WHEN EXISTS (SELECT 1 FROM "Queue" WHERE lower("name") = 'appeals' AND "deletedAt" IS NULL) THEN 'Appeals (DSA Art. 20)' ELSE 'Appeals' END,
  'Complaints against decisions (DSA Art. 20), each reviewed by someone who took no part in the decision.', '{}',
  CAST(strftime('%s','now') AS INTEGER) * 1000, CAST(strftime('%s','now') AS INTEGER) * 1000;
INSERT INTO "QueueMember" ("queueId", "userId", "addedAt") SELECT 'queue-appeals', "id", CAST(strftime('%s','now') AS INTEGER) * 1000 FROM "User" WHERE "role" IN ('moderator', 'policy_lead') AND NOT "disabled";

-- Routing gains an appeal stage. The live rules are published, so frozen: a new version carries them
-- with a catch-all appeal rule at the end. When a lead has a draft open, the draft gets the rule
-- instead and nothing is published (a version numbered above the draft would make history read out of
-- order); appeals wait unrouted, visibly, until the lead publishes.
INSERT INTO "RoutingVersion" ("id", "number", "status", "rules", "changeNote", "createdAt", "updatedAt", "publishedAt")
SELECT 'routing-appeals', (SELECT MAX("number") + 1 FROM "RoutingVersion"), 'retired',
  json_insert(v."rules", '$[#]', json('{"id":"rule-starter-appeals","name":"Appeals to the Appeals queue","stage":"appeal","when":{},"queueId":"queue-appeals"}')),
  'Appeals arrive with Docket''s appeals: every appeal goes to the Appeals queue.',
  CAST(strftime('%s','now') AS INTEGER) * 1000, CAST(strftime('%s','now') AS INTEGER) * 1000, CAST(strftime('%s','now') AS INTEGER) * 1000
FROM "RoutingVersion" v WHERE v."status" = 'published' AND NOT EXISTS (SELECT 1 FROM "RoutingVersion" d WHERE d."status" = 'draft');
UPDATE "RoutingVersion" SET "status" = 'retired', "retiredAt" = CAST(strftime('%s','now') AS INTEGER) * 1000
  WHERE "status" = 'published' AND "id" <> 'routing-appeals' AND EXISTS (SELECT 1 FROM "RoutingVersion" WHERE "id" = 'routing-appeals');
UPDATE "RoutingVersion" SET "status" = 'published', "retiredAt" = NULL WHERE "id" = 'routing-appeals';
UPDATE "RoutingVersion" SET "rules" = json_insert("rules", '$[#]', json('{"id":"rule-starter-appeals","name":"Appeals to the Appeals queue","stage":"appeal","when":{},"queueId":"queue-appeals"}'))
  WHERE "status" = 'draft';
UPDATE "RoutingState" SET "generation" = "generation" + 1;
