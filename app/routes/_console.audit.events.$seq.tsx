import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Field, Section, utc } from "~/components/audit/format.tsx";
import { PageHeader, secondaryButtonClass } from "~/components/ui/page.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { notFound } from "~/modules/http/errors.server.ts";
import { getEvent } from "~/modules/audit/search.server.ts";
import { MAX_SEQ } from "~/modules/audit/limits.ts";

export const access: Access = { kind: "user", capability: "audit:read" };
export const meta: MetaFunction = ({ params }) => [{ title: `Audit event ${params.seq} · Docket` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireCapability(request, "audit:read");
  const seq = Number(params.seq);
  const event = Number.isInteger(seq) && seq > 0 && seq <= MAX_SEQ ? await getEvent(seq) : null;
  if (!event) throw notFound(`There is no audit event ${params.seq}.`);
  const { payload, ...rest } = event;
  return json({ event: { ...rest, payloadPretty: JSON.stringify(payload, null, 2) } });
}

export default function AuditEvent() {
  const { event } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title={`Audit event ${event.seq}`}
        description={event.action}
        actions={
          <div className="flex gap-2">
            {event.seq > 1 ? (
              <Link to={`/audit/events/${event.seq - 1}`} className={secondaryButtonClass}>
                Previous event
              </Link>
            ) : null}
            <Link to={`/audit/events/${event.seq + 1}`} className={secondaryButtonClass}>
              Next event
            </Link>
            <Link to="/audit" className={secondaryButtonClass}>
              Back to the log
            </Link>
          </div>
        }
      />
      <Section title="Event" id="event">
        <dl>
          <Field label="Sequence">{event.seq}</Field>
          <Field label="Time">{utc(event.at)}</Field>
          <Field label="Actor">
            {event.actorLabel}
            {event.actorId ? <span className="ml-2 font-mono text-xs text-slate-600">{event.actorId}</span> : null}
          </Field>
          <Field label="Action">
            <span className="font-mono">{event.action}</span>
            {event.recordedAs !== event.action ? (
              <span className="ml-2 text-xs text-slate-600">
                recorded under its earlier name <span className="font-mono">{event.recordedAs}</span>
              </span>
            ) : null}
          </Field>
          <Field label="Subject">
            <span className="font-mono">
              {event.subjectType}
              {event.subjectId ? `: ${event.subjectId}` : ""}
            </span>
          </Field>
          {event.decisionId ? (
            <Field label="Decision">
              <Link to={`/audit/decisions/${event.decisionId}`} className="text-blue-800 hover:underline">
                Open the decision
              </Link>
            </Field>
          ) : null}
          <Field label="Previous hash">
            <span className="font-mono text-xs break-all">{event.prevHash}</span>
          </Field>
          <Field label="Hash">
            <span className="font-mono text-xs break-all">{event.hash}</span>
          </Field>
        </dl>
      </Section>
      <Section title="Payload" id="payload">
        <p className="mb-2 text-sm text-slate-700">
          {event.payloadStatus === "typed"
            ? `Checked against the schema for ${event.action}.`
            : event.payloadStatus === "unregistered"
              ? "No payload schema is registered for this action; shown as recorded."
              : `This payload does not match the schema for ${event.action}: ${event.payloadIssues.join("; ")}.`}
        </p>
        <pre className="overflow-x-auto whitespace-pre-wrap break-words rounded bg-slate-50 p-3 text-xs">{event.payloadPretty}</pre>
      </Section>
    </>
  );
}
