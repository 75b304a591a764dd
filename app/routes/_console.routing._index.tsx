import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { formatTime } from "~/components/labels/label-details.tsx";
import { StartDraftButton } from "~/components/routing/draft-start.tsx";
import { HistoryTable } from "~/components/routing/history-table.tsx";
import { RulesTable } from "~/components/routing/rules-table.tsx";
import { buttonClass, Notice, PageHeader } from "~/components/ui/page.tsx";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { liveRoutingVersion, queueTargets, routingHistory } from "~/modules/routing/versions.server.ts";

export const access: Access = { kind: "user", capability: "routing:read" };
export const meta: MetaFunction = () => [{ title: "Routing · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "routing:read");
  const canEdit = can(user.role, "queue:manage");
  const [live, queues, history] = await Promise.all([liveRoutingVersion(), queueTargets(), routingHistory({ includeDraft: canEdit })]);
  return json({ live, queues: Object.fromEntries(queues), history, canEdit, draft: history.find((v) => v.status === "draft") ?? null });
}

export default function RoutingPage() {
  const { live, queues, history, canEdit, draft } = useLoaderData<typeof loader>();
  const [search] = useSearchParams();
  return (
    <>
      <PageHeader
        title="Routing"
        description="Which queue each new, reopened or escalated item goes to. Rules are tried in order and the first that matches decides; an item no rule matches, or whose rule points at a closed or deleted queue, waits on the unrouted list."
        actions={
          canEdit ? (
            draft ? (
              <Link to="/routing/draft" className={buttonClass}>
                {`Edit the draft (version ${draft.number})`}
              </Link>
            ) : (
              <StartDraftButton live={live} />
            )
          ) : null
        }
      />
      {search.get("discarded") ? <Notice tone="success">Discarded the draft; the live rules did not change.</Notice> : null}
      <section aria-labelledby="live-title" className="mb-8">
        <h2 id="live-title" className="mb-1 text-lg font-semibold">
          {live ? `Live rules: version ${live.number}` : "No rules are published"}
        </h2>
        {live ? (
          <p className="mb-3 text-sm text-slate-600">
            Published {formatTime(live.publishedAt)}
            {live.publishedBy ? ` by ${live.publishedBy}` : ""}. {live.changeNote}
          </p>
        ) : null}
        <RulesTable
          rules={live?.rules ?? []}
          queues={queues}
          caption={live ? `The rules of routing version ${live.number}, in the order they are tried` : "No rules"}
        />
      </section>
      <section aria-labelledby="history-title">
        <h2 id="history-title" className="mb-3 text-lg font-semibold">
          History
        </h2>
        <HistoryTable versions={history} />
      </section>
    </>
  );
}
