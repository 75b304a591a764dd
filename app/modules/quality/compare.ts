// When two reviews of the same item disagree: a different action, or a different set of violating
// labels. Allowed and process labels (news reporting versus analysis, say) may differ without a
// disagreement: both keep the content for the same kind of reason.
export type Review = { action: string; labelKeys: readonly string[] };

export type Disagreement = "action" | "labels" | null;

export function disagreement(first: Review, second: Review, isViolating: (key: string) => boolean): Disagreement {
  if (first.action !== second.action) return "action";
  const a = new Set(first.labelKeys.filter(isViolating));
  const b = new Set(second.labelKeys.filter(isViolating));
  if (a.size !== b.size || [...a].some((k) => !b.has(k))) return "labels";
  return null;
}
