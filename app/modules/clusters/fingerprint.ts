import { comparableWords } from "./normalise.ts";
import { bandKeys, estimatedJaccard, exactKey, MIN_WORDS, shingles, signatureOf, similarity, type Fingerprint } from "./minhash.ts";

/**
 * What intake stores and probes for one item: the signature and shingle count (null when the text
 * has no words), and the band keys to look up and record. A short text has one key, a hash of its
 * comparable words (isExactKey), so only its exact copies join it.
 */
export type ItemFingerprint = { fingerprint: Fingerprint | null; keys: number[] };

export function fingerprintOf(parts: (string | null | undefined)[]): ItemFingerprint {
  const words = comparableWords(parts);
  if (words.length === 0) return { fingerprint: null, keys: [] };
  const set = shingles(words);
  const fingerprint = { signature: signatureOf(set), shingles: set.size };
  return { fingerprint, keys: words.length < MIN_WORDS ? [exactKey(words)] : bandKeys(fingerprint.signature) };
}

/** The default similarity a newcomer must reach with a member to join its cluster (decision record 041). */
export const DEFAULT_THRESHOLD = 0.45;
/** Containment joins only texts whose shingle counts are within this ratio: a cut copy, not a quotation. */
export const CONTAINMENT_LENGTH_RATIO = 0.5;
/** The share of the smaller text that must be found in the larger for a containment join. */
export const CONTAINMENT_FLOOR = 0.8;

/**
 * Whether two fingerprints belong in one cluster: the Jaccard estimate reaches the threshold, or at
 * least max(threshold, 0.8) of the smaller text is in the larger one while the smaller has at least
 * half the larger's shingles (a copy with a paragraph cut). A long article quoting a short post is
 * below that ratio and does not join on containment; it joins only if it is mostly the post.
 */
export function belongTogether(a: Fingerprint, b: Fingerprint, threshold = DEFAULT_THRESHOLD): { joins: boolean; score: number } {
  const { jaccard, containment } = similarity(a, b);
  const ratio = Math.min(a.shingles, b.shingles) / Math.max(a.shingles, b.shingles);
  const byContainment = ratio >= CONTAINMENT_LENGTH_RATIO && containment >= Math.max(threshold, CONTAINMENT_FLOOR);
  return { joins: jaccard >= threshold || byContainment, score: Math.max(jaccard, byContainment ? containment * ratio : 0) };
}

/** Whether a short text is an exact copy of another (same comparable words): every signature value agrees. */
export function sameShortText(a: Fingerprint, b: Fingerprint): boolean {
  return a.shingles === b.shingles && estimatedJaccard(a.signature, b.signature) === 1;
}
