// What a platform's API key may do. Each endpoint needs one scope; a key made before scopes existed
// holds all of them (migration 130; migration 140 gives keys that held every scope the new one too), and so
// does the demo key.
export const API_SCOPES = [
  "flags:write",
  "decisions:read",
  "statements:read",
  "labels:read",
  "items:read",
  "appeals:write",
  "webhooks:manage",
  "reports:read",
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const SCOPE_DESCRIPTIONS: Record<ApiScope, string> = {
  "flags:write": "Send flags, notices, referrals and removal orders (single and batch).",
  "decisions:read": "Read the decisions feed.",
  "statements:read": "Read statements of reasons.",
  "labels:read": "Read the published label sets.",
  "items:read": "Read where the platform's items stand.",
  "appeals:write": "Lodge appeals and read their outcome.",
  "webhooks:manage": "Register, list, rotate and delete the platform's webhook endpoints.",
  "reports:read": "Read the platform's transparency report figures (DSA and TCO).",
};

export function isApiScope(value: string): value is ApiScope {
  return (API_SCOPES as readonly string[]).includes(value);
}

/** Reads a key's stored scopes; anything unrecognised in the column is dropped rather than trusted. */
export function parseScopes(stored: string): ApiScope[] {
  try {
    const value: unknown = JSON.parse(stored);
    return Array.isArray(value) ? API_SCOPES.filter((s) => value.includes(s)) : [];
  } catch {
    return [];
  }
}

/** The stored form: the known scopes in their canonical order, so equal sets store alike. */
export function serializeScopes(scopes: readonly string[]): string {
  return JSON.stringify(API_SCOPES.filter((s) => scopes.includes(s)));
}
