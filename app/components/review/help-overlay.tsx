export const SKIP_REASONS = [
  "Needs a reviewer who reads this language",
  "Conflict of interest",
  "Needs more context than I have",
  "Taking a break",
] as const;

export const SHORTCUTS: [string, string][] = [
  ["1 … 9, then 10 …", "Toggle the label with that number (type two digits quickly for 10 and up)"],
  ["K", "Action: keep"],
  ["R", "Action: remove"],
  ["T", "Action: restrict"],
  ["E", "Action: escalate to a policy lead"],
  ["/", "Write the rationale"],
  ["Ctrl+Enter", "Decide and take the next item"],
  ["S", "Skip this item (with the reason chosen below)"],
  ["N", "Next item (on the queue pages)"],
  ["?", "Show or hide this help"],
  ["Esc", "Close this help, or leave the rationale box"],
];

export function HelpOverlay({ open, onClose }: { open: boolean; onClose: () => void }) {
  if (!open) return null;
  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/60 p-4">
      <div role="dialog" aria-modal="true" aria-labelledby="help-title" className="w-full max-w-lg rounded bg-white p-6 shadow-xl">
        <h2 id="help-title" className="text-lg font-semibold">
          Keyboard shortcuts
        </h2>
        <table className="mt-3 w-full text-sm">
          <caption className="sr-only">Keyboard shortcuts on the review screen</caption>
          <tbody>
            {SHORTCUTS.map(([key, what]) => (
              <tr key={key} className="border-t border-slate-100">
                <th scope="row" className="py-1 pr-4 text-left font-mono">
                  {key}
                </th>
                <td className="py-1">{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" onClick={onClose} className="mt-4 rounded border border-slate-300 px-3 py-1.5 text-sm" autoFocus>
          Close
        </button>
      </div>
    </div>
  );
}
