import { env } from "~/env.server.ts";
import { errorBody, type ErrorBody } from "./errors.server.ts";

export type PolicyRequest = {
  method: string;
  /** The request target as sent: the path and the query, still percent-encoded. */
  path: string;
  origin: string | null;
  referer: string | null;
  host: string;
  protocol: string;
  contentLength: string | null;
  transferEncoding: string | null;
};

export type Refusal = { status: number; body: ErrorBody };

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function refuse(status: number, code: string, message: string): Refusal {
  return { status, body: errorBody(code, message) };
}

function originOf(value: string | null): string | null {
  if (!value) return null;
  try {
    return new URL(value).origin;
  } catch {
    return "invalid";
  }
}

/**
 * Checks applied to every request before it reaches a route: state-changing browser requests must
 * come from Docket's own origin (cookies are SameSite=Lax, this closes the rest of CSRF), and
 * bodies have a size limit. The platform API authenticates with bearer keys, not cookies, so it is
 * exempt from the origin check.
 */
export function requestPolicy(req: PolicyRequest): Refusal | null {
  // No identifier holds NUL, and PostgreSQL text cannot: refused here, before a route looks one up.
  if (req.path.includes("%00")) return refuse(400, "invalid_request", "The address holds a NUL character (%00); no page or record is named so.");
  if (SAFE_METHODS.has(req.method)) return null;
  // Judge the path the router will see: "/api/%2e%2e/settings" is "/settings", not the API.
  const path = new URL(req.path, "http://docket.invalid").pathname;
  const isApi = path.startsWith("/api/");
  const limit = path === "/api/v1/flags/batch" ? env.DOCKET_MAX_BATCH_BODY_BYTES : env.DOCKET_MAX_BODY_BYTES;
  if (req.contentLength !== null && Number(req.contentLength) > limit) {
    return refuse(413, "payload_too_large", `The request body is over the ${limit}-byte limit.`);
  }
  if (!isApi && req.contentLength === null && req.transferEncoding) {
    return refuse(411, "length_required", "Send a Content-Length with form submissions.");
  }
  if (isApi) return null;
  const own = `${req.protocol}://${req.host}`;
  const from = originOf(req.origin) ?? originOf(req.referer);
  if (!from) {
    return refuse(403, "origin_required", "This request has no Origin header, so Docket cannot tell where it came from.");
  }
  if (from !== own && !env.DOCKET_ALLOWED_ORIGINS.includes(from)) {
    return refuse(403, "cross_origin", `Requests from ${from} may not change anything in Docket.`);
  }
  return null;
}

/** A strict policy: content under review is hostile, so nothing inline runs without the nonce. */
export function securityHeaders(nonce: string): Record<string, string> {
  const fixed = (fixedHeaders ??= fixedSecurityHeaders());
  return { "Content-Security-Policy": `${fixed.cspBeforeNonce}${nonce}${fixed.cspAfterNonce}`, ...fixed.headers };
}

// Everything but the nonce depends on configuration alone, so it is put together once per process.
let fixedHeaders: ReturnType<typeof fixedSecurityHeaders> | undefined;

function fixedSecurityHeaders() {
  const NONCE = "\u0000nonce\u0000";
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${NONCE}'`,
    "style-src 'self'",
    `img-src 'self' data: blob: ${env.DOCKET_MEDIA_ORIGINS.join(" ")}`.trim(),
    `media-src 'self' ${env.DOCKET_MEDIA_ORIGINS.join(" ")}`.trim(),
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ];
  if (env.DOCKET_HTTPS) csp.push("upgrade-insecure-requests");
  const [cspBeforeNonce, cspAfterNonce] = csp.join("; ").split(NONCE);
  const headers: Record<string, string> = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form posts.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
  };
  if (env.DOCKET_HTTPS) headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains";
  return { cspBeforeNonce, cspAfterNonce, headers };
}

export function serverConfig() {
  return {
    port: env.PORT,
    host: env.HOST,
    trustProxy: env.DOCKET_TRUST_PROXY,
    mode: env.NODE_ENV,
  };
}
