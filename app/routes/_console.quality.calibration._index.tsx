import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AccuracyTable } from "~/components/quality/calibration/accuracy.tsx";
import { Notice, PageHeader, buttonClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { accuracyByModerator } from "~/modules/quality/calibration/accuracy.server.ts";
import { calibrationItems } from "~/modules/quality/calibration/items.server.ts";
import { qualitySettings } from "~/modules/quality/settings.server.ts";

export const access: Access = { kind: "user", capability: "quality:manage" };
export const meta: MetaFunction = () => [{ title: "Calibration items · Quality · Docket" }];

const NOTICES: Record<string, string> = { created: "Calibration item made.", saved: "Calibration item saved." };

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "quality:manage");
  const [items, settings, byModerator] = await Promise.all([
    calibrationItems(),
    qualitySettings(),
    can(user.role, "quality:by_moderator") ? accuracyByModerator() : Promise.resolve(null),
  ]);
  const notice = new URL(request.url).searchParams.get("notice");
  return json({
    items,
    percent: settings.calibrationPercent,
    showExplanation: settings.showExplanation,
    byModerator,
    notice: notice ? (NOTICES[notice] ?? null) : null,
  });
}

export default function CalibrationItems() {
  const { items, percent, showExplanation, byModerator, notice } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Calibration items"
        description={`Items with a known answer, served blind in moderators' "Next item" (${percent}% of presses${percent === 0 ? ": off" : ""}; the explanation is ${showExplanation ? "shown" : "not shown"} after answering). They never reach the decisions feed, statements, platform APIs or counts.`}
        actions={
          <Link to="/quality/calibration/new" className={buttonClass}>
            New calibration item
          </Link>
        }
      />
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      <section aria-labelledby="items-heading" className="mb-8">
        <h2 id="items-heading" className="mb-2 text-lg font-semibold">
          Items
        </h2>
        {items.length === 0 ? (
          <p className="text-sm text-slate-700">No calibration items yet: make one from an item or write one.</p>
        ) : (
          <table className="w-full border-collapse text-sm">
            <thead>
              <tr className="border-b border-slate-300 text-left">
                <th scope="col" className="py-1 pr-4">
                  Item
                </th>
                <th scope="col" className="py-1 pr-4">
                  Reason
                </th>
                <th scope="col" className="py-1 pr-4">
                  Expected
                </th>
                <th scope="col" className="py-1 pr-4">
                  Answers
                </th>
                <th scope="col" className="py-1 pr-4">
                  Status
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.id} className="border-b border-slate-200 align-top">
                  <td className="py-1 pr-4">
                    <Link to={`/quality/calibration/${i.id}`} className="text-blue-800 underline">
                      {i.title || i.excerpt || "(no text)"}
                    </Link>
                    <span className="block text-slate-600">{i.fromItem ? "copied from an item" : "written"}</span>
                  </td>
                  <td className="py-1 pr-4">{i.reason}</td>
                  <td className="py-1 pr-4">
                    {i.expectedAction}
                    {i.expectedLabelKeys.length > 0 ? ` · ${i.expectedLabelKeys.join(", ")}` : ""}
                  </td>
                  <td className="py-1 pr-4">{i.answers}</td>
                  <td className="py-1 pr-4">{i.active ? "served" : "retired"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {byModerator ? (
        <section aria-labelledby="accuracy-heading">
          <h2 id="accuracy-heading" className="mb-2 text-lg font-semibold">
            Accuracy per moderator
          </h2>
          <p className="mb-2 text-sm text-slate-700">
            For coaching and for finding guidance that needs work, not a performance score. Each moderator sees only their own.
          </p>
          {byModerator.length === 0 ? (
            <p className="text-sm text-slate-700">No answers yet.</p>
          ) : (
            <AccuracyTable
              caption="Answers, and the share with the expected action and exactly the expected labels"
              rows={byModerator.map((m) => ({ ...m, name: `${m.name} (${m.email})`, sets: m.bySet }))}
            />
          )}
        </section>
      ) : null}
      <p className="mt-6">
        <Link to="/quality/calibration/mine" className={secondaryButtonClass}>
          Your own answers
        </Link>
      </p>
    </>
  );
}
