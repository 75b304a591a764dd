import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { getFormProps, useForm } from "@conform-to/react";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { firstError, lastResultOf, refusalMessage, textOf } from "~/components/ui/form.ts";
import { TextField } from "~/components/ui/text-field.tsx";
import { FieldError, Notice, PageHeader, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import { ROLE_NAMES, ROLES, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { createUser, listUsers, updateUser, UserAdminAction, UserError } from "~/modules/auth/users.server.ts";
import { invalidForm, parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";

export const access: Access = { kind: "user", capability: "users:manage" };
export const meta: MetaFunction = () => [{ title: "Users · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requireCapability(request, "users:manage");
  return json({ users: await listUsers(), selfId: admin.id });
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireCapability(request, "users:manage");
  const submission = await parseSubmission(request, UserAdminAction);
  if (submission.status !== "success") return invalidForm(submission);
  const input = submission.value;
  try {
    if (input.intent === "create") {
      const user = await createUser(admin, input);
      return json({ message: `Created ${user.email}.` });
    }
    const change = input.intent === "role" ? { role: input.role } : { disabled: input.intent === "disable" };
    const user = await updateUser(admin, input.userId, change);
    return json({ message: `Updated ${user.email}; their sessions were ended.` });
  } catch (error) {
    if (error instanceof UserError) {
      const status = error.code === "not_found" ? 404 : error.code === "email_taken" ? 409 : 400;
      const fieldErrors = error.code === "email_taken" ? { email: [error.message] } : undefined;
      return refuseForm(submission, { status, code: error.code, message: error.message, fieldErrors });
    }
    throw error;
  }
}

export default function Users() {
  const { users, selfId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  // The new-user form is checked on the server only: its schema lives with the accounts module.
  const [form, fields] = useForm({ id: "new-user", lastResult: lastResultOf(result, "create") });
  const refusal = refusalMessage(result);
  return (
    <>
      <PageHeader
        title="Users"
        description="Accounts, roles and access. Changing a role or disabling an account signs that person out everywhere and returns the items they hold to the queue."
      />
      {refusal ? <Notice tone="error">{refusal}</Notice> : null}
      {result && "message" in result ? <Notice tone="success">{result.message}</Notice> : null}
      <div className="overflow-x-auto rounded border border-slate-200 bg-white">
        <table className="min-w-full text-sm">
          <caption className="sr-only">All accounts</caption>
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
                Status
              </th>
              <th scope="col" className="px-3 py-2">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} className="border-t border-slate-100">
                <td className="px-3 py-2">{u.name}</td>
                <td className="px-3 py-2">{u.email}</td>
                <td className="px-3 py-2">
                  {u.id === selfId ? (
                    ROLE_NAMES[u.role]
                  ) : (
                    <Form method="post" className="flex items-center gap-2">
                      <input type="hidden" name="intent" value="role" />
                      <input type="hidden" name="userId" value={u.id} />
                      <label className="sr-only" htmlFor={`role-${u.id}`}>
                        Role of {u.email}
                      </label>
                      <select id={`role-${u.id}`} name="role" defaultValue={u.role} className="rounded border border-slate-300 px-2 py-1">
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {ROLE_NAMES[r]}
                          </option>
                        ))}
                      </select>
                      <button type="submit" className={secondaryButtonClass}>
                        Change
                      </button>
                    </Form>
                  )}
                </td>
                <td className="px-3 py-2">{u.disabled ? <span className="text-red-700">Disabled</span> : "Active"}</td>
                <td className="px-3 py-2 text-right">
                  {u.id === selfId ? null : (
                    <Form method="post">
                      <input type="hidden" name="intent" value={u.disabled ? "enable" : "disable"} />
                      <input type="hidden" name="userId" value={u.id} />
                      <button type="submit" className={secondaryButtonClass} aria-label={`${u.disabled ? "Enable" : "Disable"} ${u.email}`}>
                        {u.disabled ? "Enable" : "Disable"}
                      </button>
                    </Form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <section aria-labelledby="new-user" className="mt-8 max-w-xl rounded border border-slate-200 bg-white p-4">
        <h2 id="new-user" className="text-lg font-semibold">
          Add a user
        </h2>
        <Form method="post" {...getFormProps(form)} className="mt-4 grid gap-4 sm:grid-cols-2">
          <input type="hidden" name="intent" value="create" />
          <TextField id="new-name" label="Name" field={fields.name} />
          <TextField id="new-email" label="Email" type="email" field={fields.email} />
          <div>
            <label htmlFor="new-role" className="block text-sm font-medium">
              Role
            </label>
            <select id="new-role" name="role" className={inputClass} defaultValue={textOf(fields.role.initialValue) || "moderator"}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_NAMES[r]}
                </option>
              ))}
            </select>
            <FieldError id="new-role-error" message={firstError(fields.role.errors)} />
          </div>
          <TextField id="new-password" label="Initial password" type="password" autoComplete="new-password" field={fields.password} />
          <div className="sm:col-span-2">
            <button type="submit" className={buttonClass}>
              Create user
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}
