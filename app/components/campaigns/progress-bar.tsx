/**
 * Decided against open as one bar, drawn as SVG on the server (no script), with the numbers beside
 * it; the bar's accessible name says the same in words.
 */
export function ProgressBar({ decided, open, label }: { decided: number; open: number; label: string }) {
  const total = decided + open;
  const width = 200;
  const done = total === 0 ? 0 : Math.round((width * decided) / total);
  return (
    <span className="inline-flex items-center gap-2">
      <svg viewBox={`0 0 ${width} 12`} className="h-3 w-40" role="img" aria-label={`${label}: ${decided} of ${total} decided, ${open} open`}>
        <rect x={0} y={0} width={width} height={12} rx={2} className="fill-slate-200" />
        <rect x={0} y={0} width={done} height={12} rx={2} className="fill-green-700" />
      </svg>
      <span className="text-sm tabular-nums" aria-hidden="true">
        {decided} / {total}
      </span>
    </span>
  );
}
