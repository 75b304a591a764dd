import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field, Section, utc } from "~/components/audit/format.tsx";
import { Notice, PageHeader, buttonClass } from "~/components/ui/page.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { userActor } from "~/modules/auth/actor.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { describeResult, lastVerification, verifyAndRecord } from "~/modules/audit/verify.server.ts";

// Verifying changes nothing but the log itself (the run is recorded), so reading the log is enough.
export const access: Access = { kind: "user", capability: "audit:read" };
export const meta: MetaFunction = () => [{ title: "Verify the audit log · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCapability(request, "audit:read");
  return json({ last: await lastVerification() });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireCapability(request, "audit:read");
  const result = await verifyAndRecord(userActor(user));
  return json({ ...result, message: describeResult(result) }, { status: result.ok ? 200 : 409 });
}

export default function VerifyAudit() {
  const { last } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const running = useNavigation().state === "submitting";
  return (
    <>
      <PageHeader
        title="Verify the audit log"
        description="Recomputes every event's hash in sequence order and checks each link to the one before it. The first event that was edited, deleted, inserted or reordered is named. Each run is recorded in the log."
      />
      {result ? (
        <Notice tone={result.ok ? "success" : "error"}>
          {result.message}{" "}
          {"firstBadSeq" in result && result.firstBadSeq ? (
            <Link to={`/audit/events/${result.firstBadSeq}`} className="underline">
              Open event {result.firstBadSeq}
            </Link>
          ) : null}{" "}
          ({Math.round(result.ms)} ms; recorded as event {result.eventSeq}.)
        </Notice>
      ) : null}
      <Form method="post" className="mb-6">
        <button type="submit" className={buttonClass} disabled={running}>
          {running ? "Verifying…" : "Verify now"}
        </button>
      </Form>
      <Section title="Last recorded run" id="last-run">
        {last ? (
          <dl>
            <Field label="When">{utc(last.at)}</Field>
            <Field label="By">{last.actorLabel}</Field>
            <Field label="Result">{last.payload.ok ? "Intact" : `Broken at event ${last.payload.firstBadSeq}: ${last.payload.reason}`}</Field>
            <Field label="Events checked">{last.payload.checked}</Field>
            <Field label="Event">
              <Link to={`/audit/events/${last.seq}`} className="text-blue-800 hover:underline">
                {last.seq}
              </Link>
            </Field>
          </dl>
        ) : (
          <p className="text-sm text-slate-600">The log has not been verified yet.</p>
        )}
      </Section>
    </>
  );
}
