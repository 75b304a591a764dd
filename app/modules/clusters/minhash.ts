// MinHash signatures over word shingles, the LSH bands that make candidate lookup an index probe,
// and the similarity estimated from two signatures. Pure: intake, the benchmark and the tests share it.

/** Words per shingle. */
export const SHINGLE_WORDS = 3;
/** Values per signature: all of them estimate the similarity (standard error 0.044 at 0.5). */
export const SIGNATURE_SIZE = 128;
/**
 * Bands of ROWS values each, from the signature's first BANDS x ROWS values: two texts become
 * candidates when one band agrees completely, with probability 1 - (1 - J^3)^24: 0.79 at J = 0.4,
 * 0.96 at 0.5, 0.997 at 0.6, 0.08 at 0.15 (decision record 041).
 */
export const BANDS = 24;
export const ROWS = 3;
/** Below this many words a text is matched only as an exact copy: short texts share too much by chance. */
export const MIN_WORDS = 12;
/** The band number kept for exact copies of short texts (their key hashes their comparable words). */
export const EXACT_BAND = 63;

const SEEDS = Int32Array.from({ length: SIGNATURE_SIZE }, (_, i) => fmix32(0x9e3779b9 ^ Math.imul(i + 1, 0x85ebca6b)));

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

/** The distinct shingles of a word list, as 32-bit hashes (each word hashed once, then combined). */
export function shingles(words: string[]): Set<number> {
  const out = new Set<number>();
  if (words.length < SHINGLE_WORDS) {
    if (words.length > 0) out.add(hashString(words.join(" ")));
    return out;
  }
  const hashes = words.map(hashString);
  for (let i = 0; i + SHINGLE_WORDS <= hashes.length; i++) {
    let h = 0x811c9dc5;
    for (let j = 0; j < SHINGLE_WORDS; j++) h = fmix32(Math.imul(h ^ hashes[i + j], 0x01000193));
    out.add(h);
  }
  return out;
}

// The hot loop of intake's fingerprint: fmix32(shingle ^ seed) written out over a typed array, one
// signature value at a time, so the engine keeps it in registers.
export function signatureOf(shingleSet: Set<number>): Uint32Array {
  const xs = Int32Array.from(shingleSet);
  const sig = new Uint32Array(SIGNATURE_SIZE);
  for (let i = 0; i < SIGNATURE_SIZE; i++) {
    const seed = SEEDS[i];
    let min = 0xffffffff;
    for (let j = 0; j < xs.length; j++) {
      let h = xs[j] ^ seed;
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      const v = h >>> 0;
      if (v < min) min = v;
    }
    sig[i] = min;
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

/**
 * A signature as stored: the low 16 bits of each value (b-bit MinHash), 256 bytes for 128 values. Two
 * unequal values agree on 16 bits by chance with probability 1/65,536, which moves the estimate by
 * less than 0.0001; the band keys are made from the full values before storing.
 */
export function encodeSignature(sig: Uint32Array): string {
  const low = Uint16Array.from(sig, (v) => v & 0xffff);
  return Buffer.from(low.buffer).toString("base64");
}

export function decodeSignature(text: string): Uint32Array {
  const bytes = Buffer.from(text, "base64");
  const out = new Uint32Array(bytes.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readUInt16LE(i * 2);
  return out;
}

/** The share of signature positions that agree (on their stored 16 bits): an estimate of the shingle sets' Jaccard index. */
export function estimatedJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < SIGNATURE_SIZE; i++) if (((a[i] ^ b[i]) & 0xffff) === 0) same++;
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
