import { db } from "~/db.server.ts";
import { ACTIONS } from "~/modules/decisions/actions.ts";
import { getLabelSet, getVersion } from "~/modules/labels/sets.server.ts";
import { actionKappa, guidanceNeedsWork, labelConfusion, labelKappa, monthOf, type Confusion, type Kappa, type RatedPair } from "./agreement.ts";

// The pairs behind the agreement figures: a second review that was completed (agreed, disagreed or
// adjudicated) and the first decision it reviewed, both labelled under the same label set version.
// Nothing here reads who made either review: the figures are about the guidance, not the people,
// and auditors read them.

export const PAIR_STATES = ["agreed", "disagreed", "adjudicated"] as const;
export type PairState = (typeof PAIR_STATES)[number];

export type AgreementPair = RatedPair & {
  itemExternalId: string;
  firstDecisionId: string;
  firstDecidedAt: Date;
  secondReviewedAt: Date;
  state: PairState;
  agreed: boolean;
};

export type AgreementVersion = { id: string; setId: string; setName: string; number: number; status: string; pairs: number; lastReviewedAt: Date | null };

const completed = { state: { in: [...PAIR_STATES] }, action: { not: null }, reviewedAt: { not: null } };

/** Label set versions with at least one completed pair, newest second review first. */
export async function agreementVersions(): Promise<AgreementVersion[]> {
  const groups = await db.qualityReview.groupBy({
    by: ["versionId"],
    where: { ...completed, versionId: { not: null } },
    _count: { _all: true },
    _max: { reviewedAt: true },
  });
  const versions = await Promise.all(
    groups.map(async (g): Promise<AgreementVersion | null> => {
      const v = await getVersion(g.versionId!);
      return v
        ? { id: v.id, setId: v.setId, setName: v.setName, number: v.number, status: v.status, pairs: g._count._all, lastReviewedAt: g._max.reviewedAt }
        : null;
    }),
  );
  return versions
    .filter((v): v is AgreementVersion => v !== null)
    .sort((a, b) => (b.lastReviewedAt?.getTime() ?? 0) - (a.lastReviewedAt?.getTime() ?? 0) || a.setName.localeCompare(b.setName) || b.number - a.number);
}

function keysOf(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((k): k is string => typeof k === "string") : [];
  } catch {
    return [];
  }
}

// Keeps each IN list well inside both engines' bound-parameter limits.
const CHUNK = 5000;

/** Every completed pair under one label set version, newest second review first: two queries for any ordinary history. */
export async function agreementPairs(versionId: string): Promise<AgreementPair[]> {
  const reviews = await db.qualityReview.findMany({
    where: { ...completed, versionId },
    select: { decisionId: true, state: true, reviewedAt: true, action: true, labelKeys: true },
    orderBy: [{ reviewedAt: "desc" }, { id: "asc" }],
  });
  const firsts = new Map<string, { action: string; labelKeys: string; createdAt: Date; item: { externalId: string } }>();
  for (let i = 0; i < reviews.length; i += CHUNK) {
    const rows = await db.decision.findMany({
      where: { id: { in: reviews.slice(i, i + CHUNK).map((r) => r.decisionId) } },
      select: { id: true, action: true, labelKeys: true, createdAt: true, item: { select: { externalId: true } } },
    });
    for (const r of rows) firsts.set(r.id, r);
  }
  return reviews.flatMap((r) => {
    const first = firsts.get(r.decisionId);
    if (!first) return [];
    const state = r.state as PairState;
    return [
      {
        itemExternalId: first.item.externalId,
        firstDecisionId: r.decisionId,
        firstDecidedAt: first.createdAt,
        secondReviewedAt: r.reviewedAt!,
        state,
        agreed: state === "agreed",
        first: { action: first.action, labelKeys: keysOf(first.labelKeys) },
        second: { action: r.action!, labelKeys: keysOf(r.labelKeys) },
      },
    ];
  });
}

export type LabelAgreement = Kappa & {
  key: string;
  name: string;
  group: string;
  retired: boolean;
  firstApplied: number;
  secondApplied: number;
  needsWork: boolean;
  /** Where the label's guidance is edited: its card in the set's draft, or the draft editor's start when there is no draft. */
  draftHref: string;
};

export type MonthAgreement = { month: string; pairs: number; action: Kappa; labels: Record<string, Kappa> };

export type AgreementReport = {
  version: AgreementVersion;
  pairs: AgreementPair[];
  action: Kappa & { table: number[][]; categories: string[] };
  labels: LabelAgreement[];
  months: MonthAgreement[];
  confusion: Confusion;
};

/** The figures of a kappa without the table they came from. */
function kappaOnly(k: Kappa): Kappa {
  const { n, kappa, se, ciLow, ciHigh, observed, chance, gap } = k;
  return { n, kappa, se, ciLow, ciHigh, observed, chance, gap } as Kappa;
}

async function draftHrefs(setId: string): Promise<(key: string) => string> {
  const set = await getLabelSet(setId);
  const draftId = set?.versions.find((v) => v.status === "draft")?.id;
  const draft = draftId ? await getVersion(draftId) : null;
  const ids = new Map(draft?.labels.map((l) => [l.key, l.id]) ?? []);
  const base = `/labels/${setId}/draft`;
  return (key) => {
    const id = ids.get(key);
    return id ? `${base}?label=${encodeURIComponent(id)}#card-${id}` : base;
  };
}

/** The figures for one label set version: per label, for the action, per month, and the confusion between labels. */
export async function agreementReport(version: AgreementVersion): Promise<AgreementReport> {
  const [pairs, detail, hrefOf] = await Promise.all([agreementPairs(version.id), getVersion(version.id), draftHrefs(version.setId)]);
  const labels = detail?.labels ?? [];
  const order = labels.map((l) => l.key);
  const known = new Set(order);
  // A key outside the version (should a stored review carry one) is still counted, under its key.
  const extra = [...new Set(pairs.flatMap((p) => [...p.first.labelKeys, ...p.second.labelKeys]))].filter((k) => !known.has(k)).sort();
  const allLabels = [
    ...labels.map((l) => ({ key: l.key, name: l.name, group: l.group as string, retired: l.retired })),
    ...extra.map((key) => ({ key, name: key, group: "unknown", retired: false })),
  ];

  const byMonth = new Map<string, AgreementPair[]>();
  for (const p of pairs) {
    const m = monthOf(p.secondReviewedAt);
    const list = byMonth.get(m);
    if (list) list.push(p);
    else byMonth.set(m, [p]);
  }
  const months = [...byMonth.keys()].sort().map((month) => {
    const inMonth = byMonth.get(month)!;
    return {
      month,
      pairs: inMonth.length,
      action: kappaOnly(actionKappa(inMonth, ACTIONS)),
      labels: Object.fromEntries(allLabels.map((l) => [l.key, kappaOnly(labelKappa(inMonth, l.key))])),
    };
  });

  return {
    version,
    pairs,
    action: actionKappa(pairs, ACTIONS),
    labels: allLabels.map((l) => {
      const full = labelKappa(pairs, l.key);
      const { table } = full;
      const k = kappaOnly(full);
      return {
        ...k,
        ...l,
        firstApplied: table[0][0] + table[0][1],
        secondApplied: table[0][0] + table[1][0],
        needsWork: guidanceNeedsWork(k),
        draftHref: hrefOf(l.key),
      };
    }),
    months,
    confusion: labelConfusion(pairs, [...order, ...extra]),
  };
}

/**
 * The version a request asks for (`version`), else the one with the newest second review. Null
 * when nothing has been double-reviewed yet; undefined when the request names a version without pairs.
 */
export function chooseVersion(versions: AgreementVersion[], requested: string | null): AgreementVersion | null | undefined {
  if (requested) return versions.find((v) => v.id === requested);
  return versions[0] ?? null;
}
