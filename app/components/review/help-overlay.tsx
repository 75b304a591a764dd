import { REVIEW_KEYS } from "./keys.ts";

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
            {Object.values(REVIEW_KEYS).map((k) => (
              <tr key={k.shown} className="border-t border-slate-100">
                <th scope="row" className="py-1 pr-4 text-left font-mono">
                  {k.shown}
                </th>
                <td className="py-1">{k.does}</td>
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
