/** The team's headline figures for the window: counts of people and items, never names. */
export function TeamFigures({
  reviewers,
  atCap,
  nearCap,
  reviewed,
  highSeverity,
  mediaRevealed,
  capSet,
}: {
  reviewers: number;
  atCap: number;
  nearCap: number;
  reviewed: number;
  highSeverity: number;
  mediaRevealed: number;
  capSet: boolean;
}) {
  const figures: [string, string, string][] = [
    ["People who reviewed", String(reviewers), "care-reviewers"],
    ["At the limit", capSet ? String(atCap) : "no limit set", "care-at-cap"],
    ["Near the limit", capSet ? String(nearCap) : "no limit set", "care-near-cap"],
    ["Items reviewed", String(reviewed), "care-reviewed"],
    ["High-severity items reviewed", String(highSeverity), "care-high"],
    ["Items with media revealed", String(mediaRevealed), "care-media"],
  ];
  return (
    <dl className="mb-6 grid gap-3 sm:grid-cols-3 lg:grid-cols-6">
      {figures.map(([label, value, id]) => (
        <div key={label} className="rounded border border-slate-200 bg-white p-3">
          <dt className="text-sm text-slate-600">{label}</dt>
          <dd className="mt-1 text-2xl font-semibold tabular-nums" data-testid={id}>
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
