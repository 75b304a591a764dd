// MinHash signatures over word shingles, the LSH bands that make candidate lookup an index probe,
// and the similarity estimated from two signatures. Pure: intake, the benchmark and the tests share it.

/** Words per shingle. */
export const SHINGLE_WORDS = 3;
/** Values per signature. */
export const SIGNATURE_SIZE = 64;
/** Bands of ROWS values each: two texts become candidates when one band agrees completely. */
export const BANDS = 16;
export const ROWS = SIGNATURE_SIZE / BANDS;
/** Below this many words a text is matched only as an exact copy: short texts share too much by chance. */
export const MIN_WORDS = 12;
/** The band number kept for exact copies of short texts (their key hashes their comparable words). */
export const EXACT_BAND = 63;

const SEEDS = Array.from({ length: SIGNATURE_SIZE }, (_, i) => fmix32(0x9e3779b9 ^ Math.imul(i + 1, 0x85ebca6b)));

/** MurmurHash3's finaliser: a fast, well-mixed 32-bit permutation. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the UTF-16 code units of a string. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h >>> 0);
}

/** The distinct shingles of a word list, as 32-bit hashes. */
export function shingles(words: string[]): Set<number> {
  const out = new Set<number>();
  if (words.length < SHINGLE_WORDS) {
    if (words.length > 0) out.add(hashString(words.join(" ")));
    return out;
  }
  for (let i = 0; i + SHINGLE_WORDS <= words.length; i++) out.add(hashString(words.slice(i, i + SHINGLE_WORDS).join(" ")));
  return out;
}

export function signatureOf(shingleSet: Set<number>): Uint32Array {
  const sig = new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff);
  for (const s of shingleSet) {
    for (let i = 0; i < SIGNATURE_SIZE; i++) {
      const v = fmix32(s ^ SEEDS[i]);
      if (v < sig[i]) sig[i] = v;
    }
  }
  return sig;
}

/** A band's key: its number in the high bits, a hash of its rows in the low 32 (always below 2^53). */
export function bandKeys(sig: Uint32Array): number[] {
  const keys: number[] = [];
  for (let b = 0; b < BANDS; b++) {
    let h = 0x811c9dc5 ^ b;
    for (let r = 0; r < ROWS; r++) h = fmix32(Math.imul(h ^ sig[b * ROWS + r], 0x01000193));
    keys.push(b * 2 ** 32 + h);
  }
  return keys;
}

export function exactKey(words: string[]): number {
  return EXACT_BAND * 2 ** 32 + hashString(words.join(" "));
}

export const isExactKey = (key: number) => Math.floor(key / 2 ** 32) === EXACT_BAND;

export function encodeSignature(sig: Uint32Array): string {
  return Buffer.from(sig.buffer, sig.byteOffset, sig.byteLength).toString("base64");
}

export function decodeSignature(text: string): Uint32Array {
  const bytes = Buffer.from(text, "base64");
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Uint32Array(copy.buffer);
}

/** The share of signature positions that agree: an unbiased estimate of the shingle sets' Jaccard index. */
export function estimatedJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < SIGNATURE_SIZE; i++) if (a[i] === b[i]) same++;
  return same / SIGNATURE_SIZE;
}

export type Fingerprint = { signature: Uint32Array; shingles: number };

/**
 * How alike two texts are: the estimated Jaccard index, and the estimated share of the smaller text's
 * shingles found in the larger (containment, from the Jaccard index and the two set sizes), which stays
 * high when a copy cuts a paragraph.
 */
export function similarity(a: Fingerprint, b: Fingerprint): { jaccard: number; containment: number } {
  const jaccard = estimatedJaccard(a.signature, b.signature);
  const intersection = (jaccard / (1 + jaccard)) * (a.shingles + b.shingles);
  const containment = Math.min(1, intersection / Math.max(1, Math.min(a.shingles, b.shingles)));
  return { jaccard, containment };
}
