// Which cluster each new item joins, given the band index: the matching rule intake applies, as a pure
// function over an index held in memory. Intake loads the ClusterBand rows its items' keys hit (with
// each row's member fingerprint) into a MemoryBandIndex, runs assignClusters over the items of the call
// in arrival order (so they are matched against each other too), and writes the rows the index added.
// The quality benchmark runs the same function over a whole campaign.
import { belongTogether, DEFAULT_THRESHOLD, sameShortText, type ItemFingerprint } from "./fingerprint.ts";
import { isExactKey, type Fingerprint } from "./minhash.ts";

/** What one ClusterBand row names: the cluster that has the key and the member that first brought it. */
export type BandMember = { clusterId: string; itemId: string; fingerprint: Fingerprint | null };
export type BandRow = { bandKey: number; clusterId: string; itemId: string };

/** The band index: for each key, the clusters that have it, each once, with the member that brought it. */
export class MemoryBandIndex {
  private readonly byKey = new Map<number, BandMember[]>();
  /** Rows recorded since the index was made or `added` last emptied, in order: what intake writes. */
  readonly added: BandRow[] = [];

  /** Loads a row that is already stored (not counted as added). */
  load(bandKey: number, member: BandMember): void {
    this.put(bandKey, member);
  }

  /** Records a key for a member's cluster unless the cluster has it already (INSERT OR IGNORE). */
  record(bandKey: number, member: BandMember): void {
    if (this.put(bandKey, member)) this.added.push({ bandKey, clusterId: member.clusterId, itemId: member.itemId });
  }

  members(bandKey: number): readonly BandMember[] {
    return this.byKey.get(bandKey) ?? [];
  }

  private put(bandKey: number, member: BandMember): boolean {
    const list = this.byKey.get(bandKey);
    if (!list) {
      this.byKey.set(bandKey, [member]);
      return true;
    }
    if (list.some((m) => m.clusterId === member.clusterId)) return false;
    list.push(member);
    return true;
  }
}

export type NewItem = { itemId: string; fp: ItemFingerprint };
export type Assignment = { itemId: string; clusterId: string; joined: boolean; score: number };

/**
 * The best cluster for one item among the members its keys find: a text too short for similarity joins
 * only an exact copy of its comparable words (its one key is an exact key); a longer text joins the
 * cluster of the member it matches best by `belongTogether`. Each member is checked once; ties go to the cluster
 * found first (keys in band order, clusters in the order they took the key). Null: start a cluster.
 */
export function bestCluster(item: Omit<NewItem, "itemId">, index: MemoryBandIndex, threshold = DEFAULT_THRESHOLD): { clusterId: string; score: number } | null {
  const seen = new Set<string>();
  let best: { clusterId: string; score: number } | null = null;
  for (const key of item.fp.keys)
    for (const member of index.members(key)) {
      if (seen.has(member.itemId)) continue;
      seen.add(member.itemId);
      if (!item.fp.fingerprint || !member.fingerprint) continue;
      if (isExactKey(key)) {
        if (sameShortText(item.fp.fingerprint, member.fingerprint)) return { clusterId: member.clusterId, score: 1 };
        continue;
      }
      const { joins, score } = belongTogether(item.fp.fingerprint, member.fingerprint, threshold);
      if (joins && (!best || score > best.score)) best = { clusterId: member.clusterId, score };
    }
  return best;
}

/**
 * Assigns each item, in order, to the best cluster its keys find in `index` (which already holds the
 * stored rows those keys hit) or to a new cluster named by `newClusterId`, and records the item's keys
 * for its cluster in the index, so later items of the same call can find it.
 */
export function assignClusters(items: NewItem[], index: MemoryBandIndex, newClusterId: (item: NewItem) => string, threshold = DEFAULT_THRESHOLD): Assignment[] {
  return items.map((item) => {
    const best = bestCluster(item, index, threshold);
    const clusterId = best?.clusterId ?? newClusterId(item);
    const member: BandMember = { clusterId, itemId: item.itemId, fingerprint: item.fp.fingerprint };
    for (const key of item.fp.keys) index.record(key, member);
    return { itemId: item.itemId, clusterId, joined: best !== null, score: best?.score ?? 0 };
  });
}
