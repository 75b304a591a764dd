import { unroutedCount } from "~/modules/queue/placement.server.ts";
import { UnroutedNotice } from "~/components/queue/unrouted-notice.tsx";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ItemTable } from "~/components/queue/item-table.tsx";
import { NextButton } from "~/components/queue/next-button.tsx";
import { Notice, PageHeader } from "~/components/ui/page.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { ESCALATED_STATE } from "~/modules/items/lifecycle.ts";
import { claimNext, currentClaim } from "~/modules/queue/claims.server.ts";
import { escalatedItems } from "~/modules/queue/list.server.ts";

export const access: Access = { kind: "user", capability: "escalations:decide" };
export const meta: MetaFunction = () => [{ title: "Escalations · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "escalations:decide");
  const [list, current, unrouted] = await Promise.all([escalatedItems(), currentClaim(user.id), unroutedCount()]);
  return json({ ...list, current, unrouted, now: new Date().toISOString(), notice: new URL(request.url).searchParams.get("notice") });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireCapability(request, "escalations:decide");
  // A lead who already holds an escalation gets it back rather than a second one: the claim decides that.
  const next = await claimNext(user, ESCALATED_STATE);
  if (!next) return redirect("/escalations?notice=empty");
  return redirect(`/review/${next.itemId}`);
}

export default function Escalations() {
  const data = useLoaderData<typeof loader>();
  const notice =
    data.notice === "empty"
      ? "No escalation is free to take right now."
      : data.notice?.startsWith("saved-")
        ? "Decision saved. No other escalation is waiting."
        : null;
  return (
    <>
      <PageHeader
        title="Escalations"
        description={`${data.total.toLocaleString("en")} escalated items wait for a policy lead; your decision closes each one.`}
      />
      {notice ? <Notice tone="info">{notice}</Notice> : null}
      {data.unrouted > 0 ? <UnroutedNotice count={data.unrouted} /> : null}
      <div className="mb-4 flex items-center gap-4">
        <NextButton label={data.current ? "Continue with the item you hold" : "Next escalation"} disabled={!data.current && data.total === 0} />
        <Link to="/claims" className="text-blue-800 underline">
          Who holds what
        </Link>
      </div>
      <ItemTable items={data.items} now={data.now} canOpen caption="Escalated items in queue order" />
    </>
  );
}
