// Endpoint signing secrets. Standard Webhooks signs with a shared HMAC secret, so Docket must be
// able to read it back: it is stored encrypted (AES-256-GCM, the endpoint's id as associated data,
// so a ciphertext copied to another row does not decrypt), under a key that lives outside the
// database. A database read alone can then neither forge a signature nor learn a secret.
// See docs/decisions/042-webhook-delivery.md.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import path from "node:path";
import { env } from "~/env.server.ts";

const SECRET_PREFIX = "whsec_";
const FORMAT = "v1";

/** A new signing secret as platforms receive it: `whsec_` and 32 random bytes in base64. */
export function newSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString("base64")}`;
}

/** The raw HMAC key of a `whsec_` secret. */
export function secretKeyBytes(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, "base64");
}

export function encryptSecret(secret: string, endpointId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", encryptionKey(), iv);
  cipher.setAAD(Buffer.from(endpointId));
  const sealed = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return [FORMAT, iv.toString("base64url"), sealed.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
}

/** Throws when the stored value was not sealed for this endpoint under this key. */
export function decryptSecret(stored: string, endpointId: string): string {
  const [format, iv, sealed, tag] = stored.split(".");
  if (format !== FORMAT || !iv || !sealed || !tag) throw new Error("The stored webhook secret is not in a known format.");
  const decipher = createDecipheriv("aes-256-gcm", encryptionKey(), Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(endpointId));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(sealed, "base64url")), decipher.final()]).toString("utf8");
}

let cachedKey: Buffer | null = null;

/**
 * DOCKET_WEBHOOK_KEY, or else the key file, made once with owner-only permissions. Two processes
 * starting together on one machine both end up with the file's key: creating it is exclusive, and
 * the loser reads what the winner wrote.
 */
function encryptionKey(): Buffer {
  if (cachedKey) return cachedKey;
  const configured = env.DOCKET_WEBHOOK_KEY;
  if (configured) {
    cachedKey = /^[0-9a-fA-F]{64}$/.test(configured) ? Buffer.from(configured, "hex") : Buffer.from(configured, "base64");
    return cachedKey;
  }
  const file = path.resolve(env.DOCKET_WEBHOOK_KEY_FILE);
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    const fd = openSync(file, "wx", 0o600);
    try {
      writeSync(fd, randomBytes(32).toString("hex"));
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  const text = readFileSync(file, "utf8").trim();
  if (!/^[0-9a-f]{64}$/.test(text)) throw new Error(`The webhook key file ${file} does not hold a 32-byte hex key.`);
  cachedKey = Buffer.from(text, "hex");
  return cachedKey;
}
