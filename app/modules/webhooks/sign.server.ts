// Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over
// `${id}.${timestamp}.${body}`, sent as `v1,<base64>`; several signatures (during a secret's
// rotation) go space-separated in one header.
import { createHmac } from "node:crypto";
import { secretKeyBytes } from "./secrets.server.ts";

export type SignedHeaders = { "webhook-id": string; "webhook-timestamp": string; "webhook-signature": string };

export function signature(secret: string, id: string, timestampSeconds: number, body: string): string {
  return `v1,${createHmac("sha256", secretKeyBytes(secret)).update(`${id}.${timestampSeconds}.${body}`).digest("base64")}`;
}

/** The headers of one attempt, signed by every secret currently valid for the endpoint. */
export function signedHeaders(secrets: readonly string[], id: string, timestampSeconds: number, body: string): SignedHeaders {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": secrets.map((s) => signature(s, id, timestampSeconds, body)).join(" "),
  };
}
