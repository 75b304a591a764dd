import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ChainPanel } from "~/components/appeals/chain-panel.tsx";
import { Field, OutcomeBadge, PlainText, Section, utc } from "~/components/audit/format.tsx";
import { PageHeader, secondaryButtonClass } from "~/components/ui/page.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { notFound } from "~/modules/http/errors.server.ts";
import { decisionChain } from "~/modules/appeals/chain.server.ts";
import { getDecisionRecord } from "~/modules/audit/decisions.server.ts";
import { statementForRecord } from "~/modules/audit/export.server.ts";
import { formatDuration, strongestSource } from "~/modules/audit/snapshot.ts";
import { SOURCE_NAMES } from "~/modules/items/sources.ts";
import { AppliedLabels } from "~/components/audit/applied-labels.tsx";

export const access: Access = { kind: "user", capability: "audit:read" };
export const meta: MetaFunction = () => [{ title: "Decision · Audit · Docket" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireCapability(request, "audit:read");
  const record = await getDecisionRecord(params.decisionId ?? "");
  if (!record) throw notFound("There is no such decision.");
  let statementJson: string | null = null;
  let statementError: string | null = null;
  try {
    const statement = await statementForRecord(record);
    statementJson = statement ? JSON.stringify(statement, null, 2) : null;
  } catch (error) {
    statementError = error instanceof Error ? error.message : String(error);
  }
  const chain = await decisionChain(record.id);
  return json({ record, chain, source: strongestSource(record.snapshot), statementJson, statementError });
}

export default function AuditDecision() {
  const { record, chain, source, statementJson, statementError } = useLoaderData<typeof loader>();
  const { snapshot, timings } = record;
  const item = snapshot.item;
  const mediaUrls = Array.isArray(item.mediaUrls) ? item.mediaUrls : [];
  return (
    <>
      <PageHeader
        title="Decision"
        description={<span className="font-mono text-sm">{record.id}</span>}
        actions={
          <div className="flex gap-2">
            {record.event ? (
              <Link to={`/audit/events/${record.seq}`} className={secondaryButtonClass}>
                Audit event {record.seq}
              </Link>
            ) : null}
            <Link to="/audit" className={secondaryButtonClass}>
              Back to the log
            </Link>
          </div>
        }
      />
      <Section title="Outcome" id="outcome">
        <dl>
          <Field label="Action">
            <OutcomeBadge action={record.action} />
          </Field>
          <Field label="Decided by">
            {record.decidedBy.name} ({record.decidedBy.email}, {record.decidedBy.role}){record.byLead ? " as policy lead" : ""}
          </Field>
          <Field label="Decided at">{utc(record.createdAt)}</Field>
          <Field label="Rationale">
            <PlainText text={record.rationale} />
          </Field>
          <Field label="Label set">{record.version ? `${record.version.setName}, version ${record.version.number} (${record.version.status})` : "none"}</Field>
          {record.copyOfDecisionId ? (
            <Field label="Copy of">
              <Link to={`/audit/decisions/${record.copyOfDecisionId}`} className="text-blue-800 hover:underline">
                the decision on the original item
              </Link>
            </Field>
          ) : null}
        </dl>
      </Section>
      {chain ? (
        <Section title="Appeals and replacements" id="chain">
          <ChainPanel chain={chain} decisionHref={(id) => `/audit/decisions/${id}`} />
        </Section>
      ) : null}
      <Section title="Timings" id="timings">
        <dl>
          <Field label="First flag received">{utc(timings.receivedAt)}</Field>
          <Field label="Decided">{utc(timings.decidedAt)}</Field>
          <Field label="Received to decided">{formatDuration(timings.elapsedMs)}</Field>
          {timings.removalOrder ? (
            <Field label="Removal order (one hour)">
              {timings.removalOrder.met ? (
                <span className="font-medium text-green-800">Met: actioned before {utc(timings.removalOrder.deadline)}</span>
              ) : (
                <span className="font-medium text-red-800">Missed: the deadline was {utc(timings.removalOrder.deadline)}</span>
              )}
            </Field>
          ) : null}
        </dl>
      </Section>
      <Section title="Labels applied, as their version defined them" id="labels">
        <AppliedLabels labels={record.labels} />
      </Section>
      <Section title="The item as reviewed" id="item">
        <p className="mb-2 text-sm text-slate-600">A snapshot taken when the decision was made; the item may have changed since.</p>
        <dl>
          <Field label="External id">
            <span className="font-mono">{item.externalId}</span>
            {item.platform ? ` on ${item.platform}` : ""}
          </Field>
          <Field label="Type">{item.type}</Field>
          <Field label="Title">
            <PlainText text={item.title} />
          </Field>
          <Field label="Text">
            <PlainText text={item.body} />
          </Field>
          <Field label="URL (not opened)">
            <span className="font-mono text-xs break-all">{item.url ?? "none"}</span>
          </Field>
          <Field label="Media URLs (not loaded)">
            {mediaUrls.length === 0 ? (
              "none"
            ) : (
              <ul>
                {mediaUrls.map((u, i) => (
                  <li key={i} className="font-mono text-xs break-all">
                    {u}
                  </li>
                ))}
              </ul>
            )}
          </Field>
          <Field label="Language">{item.language ?? "unknown"}</Field>
          <Field label="Posted">{utc(item.postedAt)}</Field>
          <Field label="Author">
            {item.authorHandle ?? "unknown"}
            {item.authorExternalId ? ` (${item.authorExternalId})` : ""}
          </Field>
          <Field label="Strongest source">{source ? SOURCE_NAMES[source] : "unknown"}</Field>
        </dl>
      </Section>
      <Section title={`Flags (${snapshot.flags.length})`} id="flags">
        <div className="overflow-x-auto">
          <table className="min-w-full text-sm">
            <caption className="sr-only">Flags on the item when it was reviewed</caption>
            <thead className="bg-slate-50 text-left">
              <tr>
                <th scope="col" className="px-3 py-2">
                  Source
                </th>
                <th scope="col" className="px-3 py-2">
                  Reason
                </th>
                <th scope="col" className="px-3 py-2">
                  Received
                </th>
                <th scope="col" className="px-3 py-2">
                  Reference
                </th>
                <th scope="col" className="px-3 py-2">
                  Note
                </th>
              </tr>
            </thead>
            <tbody>
              {snapshot.flags.map((f, i) => (
                <tr key={f.id ?? i} className="border-t border-slate-100 align-top">
                  <td className="px-3 py-2">{SOURCE_NAMES[f.source]}</td>
                  <td className="px-3 py-2 font-mono">{f.reason}</td>
                  <td className="px-3 py-2 whitespace-nowrap">{utc(f.receivedAt)}</td>
                  <td className="px-3 py-2">
                    <PlainText text={f.reference} />
                  </td>
                  <td className="px-3 py-2">
                    <PlainText text={f.note} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      <Section title="DSA statement of reasons" id="statement">
        {statementError ? (
          <p role="alert" className="rounded bg-red-50 p-3 text-sm text-red-800">
            This decision cannot produce a valid statement: {statementError}
          </p>
        ) : statementJson ? (
          <pre className="overflow-x-auto whitespace-pre-wrap break-words rounded bg-slate-50 p-3 text-xs">{statementJson}</pre>
        ) : (
          <p className="text-sm text-slate-600">None: a decision that keeps content up or escalates it restricts nothing, so it needs no statement.</p>
        )}
      </Section>
    </>
  );
}
