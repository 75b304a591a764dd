import { Form } from "@remix-run/react";
import { secondaryButtonClass } from "~/components/ui/page.tsx";

type VersionChoice = { id: string; setName: string; number: number; status: string; pairs: number };

/** Which label set version's pairs to read: a plain GET form, so it works without JavaScript. */
export function VersionPicker({ versions, chosen }: { versions: VersionChoice[]; chosen: string }) {
  return (
    <Form method="get" className="mb-6 flex flex-wrap items-end gap-3 text-sm">
      <div>
        <label htmlFor="agreement-version" className="block font-medium">
          Label set version
        </label>
        <select id="agreement-version" name="version" defaultValue={chosen} className="mt-1 rounded border border-slate-300 px-2 py-1.5">
          {versions.map((v) => (
            <option key={v.id} value={v.id}>
              {v.setName}, version {v.number} ({v.status}): {v.pairs.toLocaleString("en")} pair{v.pairs === 1 ? "" : "s"}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className={secondaryButtonClass}>
        Show
      </button>
    </Form>
  );
}
