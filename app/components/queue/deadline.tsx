import { useEffect, useState } from "react";

export function formatSpan(ms: number): string {
  const abs = Math.abs(ms);
  const m = Math.round(abs / 60_000);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/**
 * A deadline as a countdown ("due in 42 min") or an overdue mark. The server renders it against
 * the loader's clock; in the browser it ticks every 30 seconds.
 */
export function Deadline({ dueAt, now }: { dueAt: string | Date | null; now: string | Date }) {
  const [clock, setClock] = useState(() => new Date(now).getTime());
  useEffect(() => {
    // The page may have been rendered a while ago (or on a server with another clock): count from the reader's clock.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setClock(Date.now());
    const t = setInterval(() => setClock(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  if (!dueAt) return <span className="text-slate-500">no deadline</span>;
  const due = new Date(dueAt);
  const left = due.getTime() - clock;
  const iso = due.toISOString();
  if (left <= 0) {
    return (
      <time
        dateTime={iso}
        title={iso}
        className="inline-flex items-center gap-1 rounded bg-red-100 px-1.5 py-0.5 text-xs font-semibold text-red-800"
        data-overdue="true"
      >
        <span aria-hidden="true">●</span> Overdue by {formatSpan(left)}
      </time>
    );
  }
  const urgent = left < 3_600_000;
  return (
    <time dateTime={iso} title={iso} className={`text-xs ${urgent ? "font-semibold text-amber-800" : "text-slate-700"}`}>
      Due in {formatSpan(left)}
    </time>
  );
}
