import { randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import { checkedValues } from "~/modules/http/form-values.ts";
import { db, transaction } from "~/db.server.ts";
import { appendAuditEvent } from "~/modules/audit/writer.server.ts";
import { hashToken, type SessionUser } from "./session.server.ts";
import { userActor } from "./actor.ts";
import { API_SCOPES, parseScopes, serializeScopes, type ApiScope } from "./scopes.ts";

const Scopes = checkedValues(
  z.array(z.enum(API_SCOPES), { invalid_type_error: "Choose the scopes the key holds." }).min(1, "Give the key at least one scope."),
);

export const NewApiKey = z.object({
  name: z.string().trim().min(1, "Name the key after who will use it.").max(120),
  platform: z
    .string()
    .trim()
    .min(1, "Name the platform the key sends flags for.")
    .max(64)
    .regex(/^[a-z0-9][a-z0-9._-]*$/, "Use lower-case letters, digits, dots, dashes or underscores."),
  scopes: Scopes.default([...API_SCOPES]),
});

export const ApiKeyAdminAction = z.discriminatedUnion("intent", [
  // The form names every scope it grants: none ticked is a refusal, not all of them.
  NewApiKey.extend({ intent: z.literal("create"), scopes: Scopes }),
  z.object({ intent: z.literal("revoke"), keyId: z.string().min(1) }),
  z.object({ intent: z.literal("scopes"), keyId: z.string().min(1), scopes: Scopes }),
]);

/** Keys are shown once; only their SHA-256 and a short prefix (to recognise them) are stored. */
/** Scopes left out: all of them (what every key held before scopes existed). */
export async function createApiKey(admin: SessionUser, input: { name: string; platform: string; scopes?: readonly ApiScope[] }, secret?: string) {
  const scopes = serializeScopes(input.scopes ?? API_SCOPES);
  const token = secret ?? `dk_${randomBytes(24).toString("base64url")}`;
  return transaction(async (tx) => {
    const key = await tx.apiKey.create({
      data: {
        id: randomUUID(),
        name: input.name,
        platform: input.platform,
        prefix: token.slice(0, 7),
        hash: hashToken(token),
        scopes,
        createdById: admin.id,
      },
    });
    await appendAuditEvent(tx, {
      actor: userActor(admin),
      action: "api_key.created",
      subjectType: "api_key",
      subjectId: key.id,
      payload: { name: key.name, platform: key.platform, prefix: key.prefix, scopes: parseScopes(key.scopes) },
    });
    return { key, token };
  });
}

/** How stale a key's last-use time may get: the keys page shows it to the minute at best. */
export const LAST_USED_RESOLUTION_SECONDS = 60;

/**
 * Records that a key was used, at most once per `LAST_USED_RESOLUTION_SECONDS`: writing on every
 * call would make all of a platform's concurrent calls queue on the key's row. The caller passes the
 * row it already read, so most calls write nothing; the condition in the UPDATE makes the calls that
 * race past that check together write once between them, in any process.
 */
export async function noteApiKeyUse(key: { id: string; lastUsedAt: Date | null }, now: Date): Promise<void> {
  const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_SECONDS * 1000);
  if (key.lastUsedAt && key.lastUsedAt > staleBefore) return;
  await db.apiKey.updateMany({
    where: { id: key.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: staleBefore } }] },
    data: { lastUsedAt: now },
  });
}

export function listApiKeys() {
  return db.apiKey
    .findMany({
      orderBy: [{ revokedAt: { sort: "asc", nulls: "first" } }, { createdAt: "desc" }],
      select: {
        id: true,
        name: true,
        platform: true,
        prefix: true,
        scopes: true,
        createdAt: true,
        revokedAt: true,
        lastUsedAt: true,
        createdBy: { select: { email: true } },
      },
    })
    .then((keys) => keys.map((k) => ({ ...k, scopes: parseScopes(k.scopes) })));
}

/** Sets a live key's scopes; a call that changes nothing records nothing. Null when there is no such live key. */
export async function setApiKeyScopes(admin: SessionUser, id: string, scopes: readonly string[]) {
  return transaction(async (tx) => {
    const key = await tx.apiKey.findUnique({ where: { id } });
    if (!key || key.revokedAt) return null;
    const stored = serializeScopes(scopes);
    if (stored === key.scopes) return { name: key.name, changed: false };
    await tx.apiKey.update({ where: { id }, data: { scopes: stored } });
    await appendAuditEvent(tx, {
      actor: userActor(admin),
      action: "api_key.scopes_changed",
      subjectType: "api_key",
      subjectId: id,
      payload: { name: key.name, prefix: key.prefix, scopes: parseScopes(stored), previousScopes: parseScopes(key.scopes) },
    });
    return { name: key.name, changed: true };
  });
}

export async function revokeApiKey(admin: SessionUser, id: string) {
  return transaction(async (tx) => {
    const key = await tx.apiKey.findUnique({ where: { id } });
    if (!key || key.revokedAt) return null;
    const revoked = await tx.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    await appendAuditEvent(tx, {
      actor: userActor(admin),
      action: "api_key.revoked",
      subjectType: "api_key",
      subjectId: id,
      payload: { name: key.name, prefix: key.prefix },
    });
    return revoked;
  });
}
