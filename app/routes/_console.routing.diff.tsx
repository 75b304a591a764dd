import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { StatusBadge } from "~/components/labels/label-details.tsx";
import { RuleDiffList } from "~/components/routing/rule-diff.tsx";
import { buttonClass, inputClass, PageHeader } from "~/components/ui/page.tsx";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { apiError, notFound, zodIssues } from "~/modules/http/errors.server.ts";
import { diffRules, ruleDiffSummary } from "~/modules/routing/diff.ts";
import { queueTargets, routingHistory, routingVersionByNumber } from "~/modules/routing/versions.server.ts";

export const access: Access = { kind: "user", capability: "routing:read" };
export const meta: MetaFunction = () => [{ title: "Compare routing versions · Docket" }];

const versionNumber = z
  .string()
  .regex(/^[1-9]\d{0,8}$/, "A version number is a whole number from 1.")
  .transform(Number)
  .optional();
const Query = z.object({ from: versionNumber, to: versionNumber });

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "routing:read");
  const url = new URL(request.url);
  const query = Query.safeParse({ from: url.searchParams.get("from") ?? undefined, to: url.searchParams.get("to") ?? undefined });
  if (!query.success) throw apiError(400, "invalid_request", "Compare two version numbers, such as ?from=1&to=2.", zodIssues(query.error));
  const versions = await routingHistory({ includeDraft: can(user.role, "queue:manage") });
  // By default: what the newest version changed compared with the one before it.
  const toNumber = query.data.to ?? versions[0]?.number;
  const fromNumber = query.data.from ?? versions.find((v) => toNumber !== undefined && v.number < toNumber)?.number ?? toNumber;
  const visible = (n: number | undefined) => versions.some((v) => v.number === n);
  if ((toNumber !== undefined && !visible(toNumber)) || (fromNumber !== undefined && !visible(fromNumber))) {
    throw notFound("One of those routing versions does not exist.");
  }
  const [from, to, queues] = await Promise.all([
    fromNumber === undefined ? null : routingVersionByNumber(fromNumber),
    toNumber === undefined ? null : routingVersionByNumber(toNumber),
    queueTargets(),
  ]);
  return json({
    versions: versions.map((v) => ({ number: v.number, status: v.status })),
    from,
    to,
    diff: from && to ? diffRules(from.rules, to.rules) : [],
    queues: Object.fromEntries(queues),
  });
}

const statusWord = (status: string) => (status === "published" ? "live" : status);

export default function RoutingDiffPage() {
  const { versions, from, to, diff, queues } = useLoaderData<typeof loader>();
  const summary = ruleDiffSummary(diff);
  const name = (v: { number: number; status: string } | null) => (v ? `version ${v.number} (${statusWord(v.status)})` : "");
  return (
    <>
      <p className="mb-2 text-sm">
        <Link to="/routing" className="text-blue-800 hover:underline">
          Routing
        </Link>
      </p>
      <PageHeader title={`Compare routing: ${name(from)} → ${name(to)}`} />
      <Form method="get" className="mb-6 grid max-w-2xl gap-4 rounded border border-slate-200 bg-white p-4 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
        {(["from", "to"] as const).map((which) => (
          <div key={which}>
            <label htmlFor={which} className="block text-sm font-medium">
              {which === "from" ? "From" : "To"}
            </label>
            <select id={which} name={which} defaultValue={(which === "from" ? from : to)?.number} className={inputClass}>
              {versions.map((v) => (
                <option key={v.number} value={v.number}>
                  Version {v.number} ({statusWord(v.status)})
                </option>
              ))}
            </select>
          </div>
        ))}
        <button type="submit" className={buttonClass}>
          Compare
        </button>
      </Form>
      {to ? (
        <div className="mb-4 text-sm">
          <p>
            <StatusBadge status={to.status} /> Version {to.number}: {to.changeNote || "no change note yet"}
          </p>
          <p className="mt-1" role="status">
            {`${summary.added} added · ${summary.removed} removed · ${summary.changed} changed · ${summary.moved} moved · ${summary.unchanged} unchanged`}
          </p>
        </div>
      ) : null}
      <RuleDiffList diff={diff} queues={queues} fromLabel={from ? `v${from.number}` : ""} toLabel={to ? `v${to.number}` : ""} />
    </>
  );
}
