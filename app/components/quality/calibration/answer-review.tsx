type Named = { key: string; name: string };
type Answered = {
  title: string | null;
  body: string;
  given: { action: string; labels: Named[]; rationale: string };
  expected: { action: string; labels: Named[] };
  explanation: string;
  actionCorrect: boolean;
  labelsCorrect: boolean;
};

const labelList = (labels: Named[]) => (labels.length === 0 ? "no labels" : labels.map((l) => l.name).join(", "));

/** A moderator's answer beside the expected one, and the lead's explanation. */
export function AnswerReview({ answer, whose }: { answer: Answered; whose: string }) {
  const verdict = (right: boolean) =>
    right ? <span className="font-medium text-green-800">matches</span> : <span className="font-medium text-red-800">differs</span>;
  return (
    <div className="grid gap-6">
      <section aria-labelledby="content-heading" className="rounded border border-slate-200 bg-white p-4">
        <h2 id="content-heading" className="mb-2 font-semibold">
          The content
        </h2>
        {answer.title ? <p className="font-medium">{answer.title}</p> : null}
        <p className="whitespace-pre-wrap">{answer.body}</p>
      </section>
      <table className="w-full border-collapse rounded border border-slate-200 bg-white text-sm">
        <thead>
          <tr className="border-b border-slate-300 text-left">
            <th scope="col" className="p-2">
              <span className="sr-only">Part of the answer</span>
            </th>
            <th scope="col" className="p-2">
              {whose}
            </th>
            <th scope="col" className="p-2">
              Expected
            </th>
            <th scope="col" className="p-2">
              Result
            </th>
          </tr>
        </thead>
        <tbody>
          <tr className="border-b border-slate-200">
            <th scope="row" className="p-2 text-left">
              Action
            </th>
            <td className="p-2">{answer.given.action}</td>
            <td className="p-2">{answer.expected.action}</td>
            <td className="p-2">{verdict(answer.actionCorrect)}</td>
          </tr>
          <tr>
            <th scope="row" className="p-2 text-left">
              Labels
            </th>
            <td className="p-2">{labelList(answer.given.labels)}</td>
            <td className="p-2">{labelList(answer.expected.labels)}</td>
            <td className="p-2">{verdict(answer.labelsCorrect)}</td>
          </tr>
        </tbody>
      </table>
      <section aria-labelledby="explanation-heading" className="rounded border border-slate-200 bg-white p-4">
        <h2 id="explanation-heading" className="mb-2 font-semibold">
          Why
        </h2>
        <p className="whitespace-pre-wrap">{answer.explanation}</p>
      </section>
    </div>
  );
}
