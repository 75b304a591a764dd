import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { refusalMessage } from "~/components/ui/form.ts";
import { Notice, PageHeader, buttonClass } from "~/components/ui/page.tsx";
import { ROLE_NAMES, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { setRevealMedia } from "~/modules/auth/users.server.ts";
import { invalidForm, parseSubmission } from "~/modules/http/forms.server.ts";

export const access: Access = { kind: "user", capability: "account:self" };
export const meta: MetaFunction = () => [{ title: "Settings · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "account:self");
  return json({ user });
}

const Settings = z.object({ revealMedia: z.enum(["on"]).optional() });

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireCapability(request, "account:self");
  const submission = await parseSubmission(request, Settings);
  if (submission.status !== "success") return invalidForm(submission, "That setting is not valid.");
  await setRevealMedia(user, submission.value.revealMedia === "on");
  return json({ message: "Saved." });
}

export default function SettingsPage() {
  const { user } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <PageHeader title="Settings" description={`${user.name} · ${user.email} · ${ROLE_NAMES[user.role]}`} />
      {refusalMessage(result) ? <Notice tone="error">{refusalMessage(result)}</Notice> : null}
      {result && "message" in result ? <Notice tone="success">{result.message}</Notice> : null}
      <Form method="post" className="max-w-xl space-y-4 rounded border border-slate-200 bg-white p-4">
        <div className="flex items-start gap-3">
          <input id="revealMedia" name="revealMedia" type="checkbox" defaultChecked={user.revealMedia} className="mt-1 h-4 w-4" />
          <label htmlFor="revealMedia">
            <span className="font-medium">Show media unblurred</span>
            <span className="block text-sm text-slate-600">Off by default: images and video under review stay blurred and grey until you reveal each one.</span>
          </label>
        </div>
        <button type="submit" className={buttonClass}>
          Save
        </button>
      </Form>
    </>
  );
}
