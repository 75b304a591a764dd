import { Form } from "@remix-run/react";
import { FieldError, buttonClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import { ROLE_NAMES, type Role } from "~/modules/auth/capabilities.ts";

type Person = { id: string; email: string; name: string; role: Role };

/** Who works a queue, each with a remove button, and a picker of the active reviewers not in it yet. */
export function QueueMembers({ members, candidates, addError }: { members: (Person & { disabled: boolean })[]; candidates: Person[]; addError?: string }) {
  return (
    <>
      {members.length === 0 ? (
        <p className="rounded border border-slate-200 bg-white p-3 text-sm">Nobody works this queue yet: its items can be claimed by no one.</p>
      ) : (
        <div className="overflow-x-auto rounded border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <caption className="sr-only">Members</caption>
            <thead className="bg-slate-50 text-left">
              <tr>
                <th scope="col" className="px-3 py-2">
                  Name
                </th>
                <th scope="col" className="px-3 py-2">
                  Email
                </th>
                <th scope="col" className="px-3 py-2">
                  Role
                </th>
                <th scope="col" className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.id} className="border-t border-slate-100">
                  <td className="px-3 py-2">{m.name}</td>
                  <td className="px-3 py-2">{m.email}</td>
                  <td className="px-3 py-2">
                    {ROLE_NAMES[m.role]}
                    {m.disabled ? <span className="ml-2 text-red-700">(disabled)</span> : null}
                  </td>
                  <td className="px-3 py-2 text-right">
                    <Form method="post">
                      <input type="hidden" name="intent" value="remove_member" />
                      <input type="hidden" name="userId" value={m.id} />
                      <button type="submit" className={secondaryButtonClass} aria-label={`Remove ${m.email} from this queue`}>
                        Remove
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {candidates.length === 0 ? (
        <p className="mt-3 text-sm text-slate-600">Every active moderator and policy lead already works this queue.</p>
      ) : (
        <Form method="post" className="mt-3 flex flex-wrap items-end gap-2">
          <input type="hidden" name="intent" value="add_member" />
          <div>
            <label htmlFor="add-member" className="block text-sm font-medium">
              Add a member
            </label>
            <select
              id="add-member"
              name="userId"
              className="mt-1 rounded border border-slate-300 px-2 py-2"
              aria-describedby="add-member-error"
              aria-invalid={addError ? true : undefined}
            >
              {candidates.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} · {c.email} ({ROLE_NAMES[c.role]})
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className={buttonClass}>
            Add
          </button>
          <FieldError id="add-member-error" message={addError} />
        </Form>
      )}
    </>
  );
}
