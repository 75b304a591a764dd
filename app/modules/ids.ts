// Keys of the high-volume rows (items, flags, claims, decisions) are UUIDv7 (RFC 9562): 48-bit Unix
// milliseconds, then random bits, so keys made later sort later and new rows land at the right edge
// of a B-tree index instead of on random pages. Measured in `npm run bench` against random v4 keys
// (docs/decisions/027-time-ordered-keys.md).
import { randomBytes } from "node:crypto";

let lastMs = 0;
let counter = 0;

/** A new time-ordered id (UUIDv7). */
export function newId(now = Date.now()): string {
  const b = randomBytes(16);
  // Within one millisecond a 12-bit counter keeps keys increasing (RFC 9562 method 1).
  counter = now === lastMs ? (counter + 1) & 0xfff : b.readUInt16BE(6) & 0x7ff;
  lastMs = now;
  b.writeUIntBE(now, 0, 6);
  b[6] = 0x70 | (counter >> 8);
  b[7] = counter & 0xff;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
