import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { formatTime, StatusBadge } from "~/components/labels/label-details.tsx";
import { RulesTable } from "~/components/routing/rules-table.tsx";
import { Notice, PageHeader, secondaryButtonClass } from "~/components/ui/page.tsx";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { notFound } from "~/modules/http/errors.server.ts";
import { queueTargets, routingHistory, routingVersionByNumber } from "~/modules/routing/versions.server.ts";

export const access: Access = { kind: "user", capability: "routing:read" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Routing version ${data.version.number} · Docket` : "Routing version · Docket" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "routing:read");
  const number = /^[1-9]\d{0,8}$/.test(params.number ?? "") ? Number(params.number) : null;
  const version = number === null ? null : await routingVersionByNumber(number);
  // Drafts are the editors' work in progress; readers see published history only.
  if (!version || (version.status === "draft" && !can(user.role, "queue:manage"))) throw notFound("There is no routing version with that number.");
  const [queues, history] = await Promise.all([queueTargets(), routingHistory({ includeDraft: true })]);
  const previous = history.find((v) => v.number === version.number)?.previousNumber ?? null;
  return json({ version, queues: Object.fromEntries(queues), previous });
}

export default function RoutingVersionPage() {
  const { version, queues, previous } = useLoaderData<typeof loader>();
  const [search] = useSearchParams();
  return (
    <>
      <p className="mb-2 text-sm">
        <Link to="/routing" className="text-blue-800 hover:underline">
          Routing
        </Link>
      </p>
      <PageHeader
        title={`Routing version ${version.number}`}
        description={version.changeNote || undefined}
        actions={
          previous !== null ? (
            <Link to={`/routing/diff?from=${previous}&to=${version.number}`} className={secondaryButtonClass}>
              {`Compare with version ${previous}`}
            </Link>
          ) : null
        }
      />
      {search.get("published") && version.status === "published" ? (
        <Notice tone="success">
          Published version {version.number}. Items routed from now on follow these rules; items already in queues stay where they are.
        </Notice>
      ) : null}
      <dl className="mb-6 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
        <dt className="font-medium text-slate-600">Status</dt>
        <dd>
          <StatusBadge status={version.status} />
        </dd>
        <dt className="font-medium text-slate-600">Published</dt>
        <dd>{version.publishedAt ? `${formatTime(version.publishedAt)} by ${version.publishedBy ?? "Docket (installed)"}` : "Not published"}</dd>
        {version.retiredAt ? (
          <>
            <dt className="font-medium text-slate-600">Replaced</dt>
            <dd>{formatTime(version.retiredAt)}</dd>
          </>
        ) : null}
        <dt className="font-medium text-slate-600">Rules</dt>
        <dd>{version.rules.length}</dd>
      </dl>
      <RulesTable rules={version.rules} queues={queues} caption={`The rules of routing version ${version.number}, in the order they are tried`} />
    </>
  );
}
