import { redirect } from "@remix-run/node";
import { dialect } from "~/db.server.ts";
import { pgQuery, sqliteRead } from "~/db-direct.server.ts";
import { can, type Capability } from "./capabilities.ts";
import { hashToken, lucia, sessionIdFrom, type SessionUser } from "./session.server.ts";
import { consumeShardedRateLimit } from "./rate-limit.server.ts";
import { noteApiKeyUse } from "./api-keys.server.ts";
import { parseScopes, type ApiScope } from "./scopes.ts";
import { env } from "~/env.server.ts";
import { apiError, forbidden } from "~/modules/http/errors.server.ts";

/**
 * The one place that turns a request into a user and checks what they may do. Every loader and
 * action starts with `requireCapability` (or `requireApiKey` for the platform API).
 */
export async function getSessionUser(request: Request): Promise<SessionUser | null> {
  const sessionId = sessionIdFrom(request);
  if (!sessionId) return null;
  const { user } = await lucia.validateSession(sessionId);
  if (!user || user.disabled) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role, revealMedia: user.revealMedia };
}

function loginRedirect(request: Request, reason: "required" | "expired") {
  const url = new URL(request.url);
  const params = new URLSearchParams({ redirectTo: `${url.pathname}${url.search}` });
  if (reason === "expired") params.set("expired", "1");
  return redirect(`/login?${params}`, {
    headers: reason === "expired" ? { "Set-Cookie": lucia.createBlankSessionCookie().serialize() } : undefined,
  });
}

export async function requireUser(request: Request): Promise<SessionUser> {
  const user = await getSessionUser(request);
  if (user) return user;
  throw loginRedirect(request, sessionIdFrom(request) ? "expired" : "required");
}

export async function requireCapability(request: Request, capability: Capability): Promise<SessionUser> {
  const user = await requireUser(request);
  if (!can(user.role, capability)) {
    throw forbidden(`Your role cannot do this: it needs the "${capability}" permission.`);
  }
  return user;
}

export type ApiClient = { id: string; name: string; platform: string; scopes: ApiScope[] };

type StoredKey = Omit<ApiClient, "scopes"> & { scopes: string; revokedAt: Date | null; lastUsedAt: Date | null };

// Every API call reads its key; on the direct connection that read costs a fraction of the ORM's.
async function apiKeyByHash(hash: string): Promise<StoredKey | null> {
  const columns = `"id", "name", "platform", "scopes", "revokedAt", "lastUsedAt"`;
  if (dialect === "postgresql") return (await pgQuery<StoredKey>(`SELECT ${columns} FROM "ApiKey" WHERE "hash" = $1`, [hash]))[0] ?? null;
  type Row = Omit<StoredKey, "revokedAt" | "lastUsedAt"> & { revokedAt: number | null; lastUsedAt: number | null };
  const row = await sqliteRead((tx) => tx.prepare(`SELECT ${columns} FROM "ApiKey" WHERE "hash" = ?`).get(hash) as Row | undefined);
  if (!row) return null;
  const date = (v: number | null) => (v === null ? null : new Date(v));
  return { ...row, revokedAt: date(row.revokedAt), lastUsedAt: date(row.lastUsedAt) };
}

/**
 * Bearer API keys for platforms: stored as SHA-256 hashes, checked for the endpoint's scope (null
 * only for the catch-all that answers unknown endpoints), then rate limited per key.
 * Neither the limit nor the last-use time writes one row that every call to the key must take in turn.
 */
export async function requireApiKey(request: Request, scope: ApiScope | null): Promise<ApiClient> {
  const header = request.headers.get("Authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw apiError(401, "unauthorized", "Send an API key as 'Authorization: Bearer <key>'.");
  const key = await apiKeyByHash(hashToken(match[1]));
  if (!key || key.revokedAt) throw apiError(401, "unauthorized", "That API key is unknown or revoked.");
  // Refused before anything is counted or written: a call the key may not make leaves no trace.
  const scopes = parseScopes(key.scopes);
  if (scope && !scopes.includes(scope)) {
    throw apiError(403, "missing_scope", `This API key lacks the "${scope}" scope this endpoint needs; an admin can grant it on the API keys page.`, [
      { path: "scope", message: `missing scope: ${scope}` },
    ]);
  }
  const [limit] = await Promise.all([consumeShardedRateLimit(`api:${key.id}`, env.DOCKET_API_MAX_PER_MINUTE, 60), noteApiKeyUse(key, new Date())]);
  if (!limit.allowed) {
    throw apiError(429, "rate_limited", `Too many requests for this key; try again in ${limit.retryAfterSeconds} s.`, [], {
      "Retry-After": String(limit.retryAfterSeconds),
    });
  }
  return { id: key.id, name: key.name, platform: key.platform, scopes };
}
