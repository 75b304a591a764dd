import { Link } from "@remix-run/react";

/** Other items with the same text, each linked to its own review screen. */
export function CopiesPanel({ copies, copyCount }: { copies: { id: string; externalId: string; state: string }[]; copyCount: number }) {
  return (
    <section aria-labelledby="copies-heading" className="rounded border border-slate-200 bg-white p-4">
      <h2 id="copies-heading" className="text-base font-semibold">
        Copies ({copyCount})
      </h2>
      {copyCount === 0 ? (
        <p className="text-sm text-slate-600">No other item has the same text.</p>
      ) : (
        <ul className="mt-2 text-sm">
          {copies.map((c) => (
            <li key={c.id}>
              <Link to={`/review/${c.id}`} className="font-mono text-blue-800 underline">
                {c.externalId}
              </Link>{" "}
              <span className="text-slate-600">{c.state}</span>
            </li>
          ))}
          {copyCount > copies.length ? <li className="text-slate-500">and {copyCount - copies.length} more</li> : null}
        </ul>
      )}
    </section>
  );
}
