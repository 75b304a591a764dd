import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { getFormProps, useForm } from "@conform-to/react";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { lastResultOf, refusalMessage } from "~/components/ui/form.ts";
import { TextField } from "~/components/ui/text-field.tsx";
import { Notice, PageHeader, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { ApiKeyAdminAction, createApiKey, listApiKeys, revokeApiKey, setApiKeyScopes } from "~/modules/auth/api-keys.server.ts";
import { API_SCOPES, SCOPE_DESCRIPTIONS, type ApiScope } from "~/modules/auth/scopes.ts";
import { invalidForm, parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";

export const access: Access = { kind: "user", capability: "apikeys:manage" };
export const meta: MetaFunction = () => [{ title: "API keys · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCapability(request, "apikeys:manage");
  return json({ keys: await listApiKeys() });
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireCapability(request, "apikeys:manage");
  const submission = await parseSubmission(request, ApiKeyAdminAction);
  if (submission.status !== "success") return invalidForm(submission);
  if (submission.value.intent === "create") {
    const { key, token } = await createApiKey(admin, submission.value);
    return json({ message: `Created key “${key.name}”. Copy it now: it will not be shown again.`, token });
  }
  if (submission.value.intent === "scopes") {
    const changed = await setApiKeyScopes(admin, submission.value.keyId, submission.value.scopes);
    if (!changed) return refuseForm(submission, { status: 404, code: "not_found", message: "That key does not exist or is revoked." });
    return json({
      message: changed.changed ? `Changed the scopes of key “${changed.name}”.` : `Key “${changed.name}” already held those scopes.`,
      token: null,
    });
  }
  const revoked = await revokeApiKey(admin, submission.value.keyId);
  if (!revoked) return refuseForm(submission, { status: 404, code: "not_found", message: "That key does not exist or is already revoked." });
  return json({ message: `Revoked key “${revoked.name}”.`, token: null });
}

export default function ApiKeys() {
  const { keys } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  // Checked on the server only: the key schema lives with the API keys module.
  const [form, fields] = useForm({ id: "new-key", lastResult: lastResultOf(result, "create") });
  const refusal = refusalMessage(result);
  const created = result && "token" in result ? result : undefined;
  return (
    <>
      <PageHeader title="API keys" description="Keys platforms use to send flags and read decisions. Only a hash of each key is stored." />
      {refusal ? <Notice tone="error">{refusal}</Notice> : null}
      {created ? <Notice tone="success">{created.message}</Notice> : null}
      {created?.token ? (
        <div className="mb-4 rounded border border-green-300 bg-green-50 p-3">
          <label htmlFor="new-token" className="block text-sm font-medium">
            New key
          </label>
          <input id="new-token" readOnly value={created.token} className={`${inputClass} font-mono`} />
        </div>
      ) : null}
      <div className="overflow-x-auto rounded border border-slate-200 bg-white">
        <table className="min-w-full text-sm">
          <caption className="sr-only">API keys</caption>
          <thead className="bg-slate-50 text-left">
            <tr>
              <th scope="col" className="px-3 py-2">
                Name
              </th>
              <th scope="col" className="px-3 py-2">
                Platform
              </th>
              <th scope="col" className="px-3 py-2">
                Starts with
              </th>
              <th scope="col" className="px-3 py-2">
                Scopes
              </th>
              <th scope="col" className="px-3 py-2">
                Created
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
            {keys.map((k) => (
              <tr key={k.id} className="border-t border-slate-100">
                <td className="px-3 py-2">{k.name}</td>
                <td className="px-3 py-2">{k.platform}</td>
                <td className="px-3 py-2 font-mono">{k.prefix}…</td>
                <td className="px-3 py-2">
                  <ul className="flex flex-wrap gap-1" aria-label={`Scopes of ${k.name}`}>
                    {k.scopes.map((scope) => (
                      <li key={scope}>
                        <code className="rounded bg-slate-100 px-1 text-xs">{scope}</code>
                      </li>
                    ))}
                  </ul>
                  {k.revokedAt ? null : (
                    <details className="mt-1">
                      <summary className="cursor-pointer text-xs text-blue-800 underline">Change scopes</summary>
                      <Form method="post" className="mt-2 grid gap-1">
                        <input type="hidden" name="intent" value="scopes" />
                        <input type="hidden" name="keyId" value={k.id} />
                        <ScopeChoices idPrefix={`scopes-${k.id}`} chosen={k.scopes} />
                        <button type="submit" className={`${secondaryButtonClass} justify-self-start`}>
                          Save scopes of {k.name}
                        </button>
                      </Form>
                    </details>
                  )}
                </td>
                <td className="px-3 py-2">
                  {new Date(k.createdAt).toISOString().slice(0, 16).replace("T", " ")} by {k.createdBy.email}
                </td>
                <td className="px-3 py-2">{k.revokedAt ? <span className="text-red-700">Revoked</span> : "Active"}</td>
                <td className="px-3 py-2 text-right">
                  {k.revokedAt ? null : (
                    <Form method="post">
                      <input type="hidden" name="intent" value="revoke" />
                      <input type="hidden" name="keyId" value={k.id} />
                      <button type="submit" className={secondaryButtonClass} aria-label={`Revoke ${k.name}`}>
                        Revoke
                      </button>
                    </Form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section aria-labelledby="new-key" className="mt-8 max-w-xl rounded border border-slate-200 bg-white p-4">
        <h2 id="new-key" className="text-lg font-semibold">
          Create a key
        </h2>
        <Form method="post" {...getFormProps(form)} className="mt-4 grid gap-4 sm:grid-cols-2">
          <input type="hidden" name="intent" value="create" />
          <TextField id="key-name" label="Name" field={fields.name} />
          <TextField id="key-platform" label="Platform" field={fields.platform} fallback="default" />
          <fieldset className="sm:col-span-2">
            <legend className="text-sm font-medium">Scopes</legend>
            <p className="text-xs text-slate-600">A call outside its scopes is refused with 403 naming the scope.</p>
            <div className="mt-2 grid gap-1">
              <ScopeChoices idPrefix="new-key-scope" chosen={API_SCOPES} />
            </div>
            {fields.scopes.errors ? (
              <p className="text-sm text-red-700" role="alert">
                {fields.scopes.errors.join(" ")}
              </p>
            ) : null}
          </fieldset>
          <div className="sm:col-span-2">
            <button type="submit" className={buttonClass}>
              Create key
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}

function ScopeChoices({ idPrefix, chosen }: { idPrefix: string; chosen: readonly ApiScope[] }) {
  return API_SCOPES.map((scope) => (
    <label key={scope} htmlFor={`${idPrefix}-${scope}`} className="flex items-start gap-2 text-sm">
      <input id={`${idPrefix}-${scope}`} type="checkbox" name="scopes" value={scope} defaultChecked={chosen.includes(scope)} className="mt-1" />
      <span>
        <code className="text-xs">{scope}</code> <span className="text-slate-600">{SCOPE_DESCRIPTIONS[scope]}</span>
      </span>
    </label>
  ));
}
