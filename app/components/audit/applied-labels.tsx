import { PlainText } from "./format.tsx";

type AppliedLabel = {
  id: string;
  key: string;
  name: string;
  group: string;
  setName: string;
  versionNumber: number;
  defaultAction: string;
  definition: string;
  notWhen: string;
};

/** The labels a decision applied, each as the version it was made under defined it. */
export function AppliedLabels({ labels }: { labels: AppliedLabel[] }) {
  if (labels.length === 0) return <p className="text-sm text-slate-600">No labels.</p>;
  return (
    <ul className="mt-1 space-y-3">
      {labels.map((l) => (
        <li key={l.id} className="rounded border border-slate-200 p-3">
          <p className="font-medium">
            {l.name} <span className="font-mono text-xs text-slate-600">{l.key}</span>
          </p>
          <p className="text-xs text-slate-600">
            {l.setName}, version {l.versionNumber} · {l.group} · default action {l.defaultAction}
          </p>
          <p className="mt-1 text-sm">
            <PlainText text={l.definition} />
          </p>
          {l.notWhen ? (
            <p className="mt-1 text-sm text-slate-700">
              Not when: <PlainText text={l.notWhen} />
            </p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
