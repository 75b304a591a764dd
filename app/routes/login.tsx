import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { getFormProps, useForm } from "@conform-to/react";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { firstError, lastResultOf, refusalMessage, textOf, validateWith } from "~/components/ui/form.ts";
import { HOME, type Access } from "~/modules/auth/capabilities.ts";
import { getSessionUser } from "~/modules/auth/guard.server.ts";
import { login } from "~/modules/auth/login.server.ts";
import { clientAddress } from "~/modules/http/context.server.ts";
import { parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";
import { safeRedirect } from "~/modules/http/redirect.ts";

export const access: Access = { kind: "public" };
export const meta: MetaFunction = () => [{ title: "Sign in · Docket" }];

const LoginForm = z.object({
  email: z.string().trim().min(1, "Enter your email address.").max(320).email("Enter a valid email address."),
  password: z.string().min(1, "Enter your password.").max(1024),
  redirectTo: z.string().max(2000).optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getSessionUser(request);
  const url = new URL(request.url);
  if (user) return redirect(safeRedirect(url.searchParams.get("redirectTo"), HOME[user.role]));
  return json({
    redirectTo: url.searchParams.get("redirectTo") ?? "",
    expired: url.searchParams.get("expired") === "1",
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = await parseSubmission(request, LoginForm);
  if (submission.status !== "success") return refuseForm(submission, { status: 400, code: "invalid_form", message: "Enter your email address and password." });
  const result = await login(submission.value.email, submission.value.password, clientAddress(context));
  if (!result.ok) {
    const headers = result.retryAfterSeconds ? { "Retry-After": String(result.retryAfterSeconds) } : undefined;
    return refuseForm(submission, { status: result.status, code: result.code, message: result.message }, { headers });
  }
  return redirect(safeRedirect(submission.value.redirectTo, HOME[result.user.role]), {
    headers: { "Set-Cookie": result.cookie },
  });
}

export default function Login() {
  const { redirectTo, expired } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const lastResult = lastResultOf(actionData);
  const [form, fields] = useForm({ id: "login", lastResult, onValidate: validateWith(LoginForm), shouldValidate: "onSubmit" });
  // Field messages speak for themselves; the summary is for refusals of the whole attempt.
  const message = lastResult && !Object.keys(lastResult.error ?? {}).length ? refusalMessage(actionData) : undefined;
  const errors = { email: firstError(fields.email.errors), password: firstError(fields.password.errors) };
  return (
    <main className="flex min-h-full items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="text-2xl font-semibold">Sign in to Docket</h1>
        <p className="mt-1 text-sm text-slate-600">Trust and safety review console</p>
        {expired && !actionData ? (
          <p role="status" className="mt-4 rounded bg-amber-50 p-3 text-sm text-amber-900">
            Your session has ended. Sign in again to continue.
          </p>
        ) : null}
        {message ? (
          <p role="alert" className="mt-4 rounded bg-red-50 p-3 text-sm text-red-800">
            {message}
          </p>
        ) : null}
        <Form method="post" {...getFormProps(form)} className="mt-6 space-y-4">
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <div>
            <label htmlFor="email" className="block text-sm font-medium">
              Email
            </label>
            <input
              id="email"
              name="email"
              type="email"
              autoComplete="username"
              required
              autoFocus
              defaultValue={textOf(fields.email.initialValue)}
              aria-invalid={errors.email ? true : undefined}
              aria-describedby={errors.email ? "email-error" : undefined}
              className="mt-1 w-full rounded border border-slate-300 px-3 py-2"
            />
            {errors.email ? (
              <p id="email-error" className="mt-1 text-sm text-red-700">
                {errors.email}
              </p>
            ) : null}
          </div>
          <div>
            <label htmlFor="password" className="block text-sm font-medium">
              Password
            </label>
            <input
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              aria-invalid={errors.password ? true : undefined}
              aria-describedby={errors.password ? "password-error" : undefined}
              className="mt-1 w-full rounded border border-slate-300 px-3 py-2"
            />
            {errors.password ? (
              <p id="password-error" className="mt-1 text-sm text-red-700">
                {errors.password}
              </p>
            ) : null}
          </div>
          <button type="submit" disabled={busy} className="w-full rounded bg-blue-800 px-4 py-2 font-medium text-white hover:bg-blue-900 disabled:opacity-60">
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </Form>
      </div>
    </main>
  );
}
