import * as crypto from "node:crypto";

export const GENESIS_HASH = "0".repeat(64);

/** JSON with object keys sorted at every depth: the same value always encodes to the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) throw new Error("non-finite number in audit payload");
    return JSON.stringify(value ?? null);
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export type ChainedFields = {
  seq: number;
  at: Date;
  actorId: string | null;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  payload: string;
};

/**
 * The canonical encoding of an event's chained fields. Written out by hand because verification
 * runs it for every event; it produces exactly the bytes `canonicalJson` gives for the same object
 * (keys in sorted order), which a unit test holds it to.
 */
export function eventBody(e: ChainedFields): string {
  // Self-contained (no outside names): parallel verification ships this function's source to its
  // worker threads, so the workers hash exactly as the writer does.
  const s = JSON.stringify;
  return (
    `{"action":${s(e.action)},"actorId":${s(e.actorId ?? null)},"actorLabel":${s(e.actorLabel)},` +
    `"at":${s(e.at.toISOString())},"payload":${s(e.payload)},"seq":${s(e.seq)},` +
    `"subjectId":${s(e.subjectId ?? null)},"subjectType":${s(e.subjectType)}}`
  );
}

/**
 * The canonical encoding split around the sequence number: `before + seq + after` equals
 * `eventBody` of the same fields. The database seals an event with these two strings once it
 * knows the event's place in the chain, so the hash is computed where the head is locked.
 */
export function eventBodyAround(e: Omit<ChainedFields, "seq">): { before: string; after: string } {
  const s = JSON.stringify;
  return {
    before:
      `{"action":${s(e.action)},"actorId":${s(e.actorId ?? null)},"actorLabel":${s(e.actorLabel)},` +
      `"at":${s(e.at.toISOString())},"payload":${s(e.payload)},"seq":`,
    after: `,"subjectId":${s(e.subjectId ?? null)},"subjectType":${s(e.subjectType)}}`,
  };
}

// The one-shot digest skips the Hash object verification would otherwise make per event.
const sha256hex = (data: string) => crypto.hash("sha256", data, "hex");

/** SHA-256 over the previous hash, a newline and the event's canonical encoding. */
export function eventHash(prevHash: string, e: ChainedFields): string {
  return sha256hex(`${prevHash}\n${eventBody(e)}`);
}
