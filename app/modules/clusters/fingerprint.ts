import { comparableWords } from "./normalise.ts";
import { bandKeys, exactKey, MIN_WORDS, shingles, signatureOf, similarity, type Fingerprint } from "./minhash.ts";

/**
 * What intake stores and probes for one item: the signature and shingle count when the text is long
 * enough to be compared by similarity (null otherwise), and the band keys to look up and record.
 * A short text has one key, from its exact digest, so only its exact copies join it.
 */
export type ItemFingerprint = { fingerprint: Fingerprint | null; keys: number[] };

export function fingerprintOf(parts: (string | null | undefined)[], digest: string | null): ItemFingerprint {
  const words = comparableWords(parts);
  if (words.length < MIN_WORDS) return { fingerprint: null, keys: digest ? [exactKey(digest)] : [] };
  const set = shingles(words);
  const signature = signatureOf(set);
  return { fingerprint: { signature, shingles: set.size }, keys: bandKeys(signature) };
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
