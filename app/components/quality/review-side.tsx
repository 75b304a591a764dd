import { PlainText } from "~/components/audit/format.tsx";

type Side = {
  action: string | null;
  labels: { key: string; name: string; group: string }[];
  rationale: string;
  by: { name: string; email: string } | null;
  at: string;
};

/** One of the two reviews of an adjudication, as it was given. */
export function ReviewSide({ title, side, testId }: { title: string; side: Side | null; testId: string }) {
  return (
    <section aria-label={title} className="rounded border border-slate-200 bg-white p-4" data-testid={testId}>
      <h2 className="text-base font-semibold">{title}</h2>
      {side ? (
        <dl className="mt-2 space-y-2 text-sm">
          <div>
            <dt className="font-medium">Action</dt>
            <dd>{side.action}</dd>
          </div>
          <div>
            <dt className="font-medium">Labels</dt>
            <dd>
              {side.labels.length === 0 ? (
                "none"
              ) : (
                <ul className="flex flex-wrap gap-1">
                  {side.labels.map((l) => (
                    <li key={l.key} className={`rounded px-1.5 py-0.5 text-xs ${l.group === "violating" ? "bg-red-100 text-red-900" : "bg-slate-100"}`}>
                      {l.name}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </div>
          <div>
            <dt className="font-medium">Rationale</dt>
            <dd>
              <PlainText text={side.rationale || "none given"} />
            </dd>
          </div>
          <div>
            <dt className="font-medium">By</dt>
            <dd>
              {side.by ? `${side.by.name} (${side.by.email})` : "unknown"}, <time dateTime={side.at}>{side.at.slice(0, 16).replace("T", " ")} UTC</time>
            </dd>
          </div>
        </dl>
      ) : (
        <p className="mt-2 text-sm text-slate-600">Not reviewed yet.</p>
      )}
    </section>
  );
}
