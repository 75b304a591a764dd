type Accuracy = { answers: number; actionCorrect: number; labelsCorrect: number };

/** A share as a whole percent with its count, so a rate on three answers reads as what it is. */
export function share(part: number, whole: number) {
  return whole === 0 ? "–" : `${Math.round((100 * part) / whole)}% (${part} of ${whole})`;
}

/** Accuracy rows: per label set, or per moderator with their sets beneath. */
export function AccuracyTable({ caption, rows }: { caption: string; rows: (Accuracy & { name: string; sets?: (Accuracy & { setName: string })[] })[] }) {
  return (
    <table className="w-full border-collapse text-sm">
      <caption className="mb-2 text-left font-semibold">{caption}</caption>
      <thead>
        <tr className="border-b border-slate-300 text-left">
          <th scope="col" className="py-1 pr-4">
            Who or which label set
          </th>
          <th scope="col" className="py-1 pr-4">
            Answers
          </th>
          <th scope="col" className="py-1 pr-4">
            Action right
          </th>
          <th scope="col" className="py-1 pr-4">
            Labels right
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => [
          <tr key={r.name} className="border-b border-slate-200">
            <th scope="row" className="py-1 pr-4 text-left font-medium">
              {r.name}
            </th>
            <td className="py-1 pr-4">{r.answers}</td>
            <td className="py-1 pr-4">{share(r.actionCorrect, r.answers)}</td>
            <td className="py-1 pr-4">{share(r.labelsCorrect, r.answers)}</td>
          </tr>,
          ...(r.sets ?? []).map((s) => (
            <tr key={`${r.name}/${s.setName}`} className="border-b border-slate-100 text-slate-700">
              <th scope="row" className="py-1 pr-4 pl-4 text-left font-normal">
                {s.setName}
              </th>
              <td className="py-1 pr-4">{s.answers}</td>
              <td className="py-1 pr-4">{share(s.actionCorrect, s.answers)}</td>
              <td className="py-1 pr-4">{share(s.labelsCorrect, s.answers)}</td>
            </tr>
          )),
        ])}
      </tbody>
    </table>
  );
}
