import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { utc } from "~/components/audit/format.tsx";
import { AccuracyTable } from "~/components/quality/calibration/accuracy.tsx";
import { PageHeader } from "~/components/ui/page.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { accuracyOf } from "~/modules/quality/calibration/accuracy.server.ts";
import { qualitySettings } from "~/modules/quality/settings.server.ts";

export const access: Access = { kind: "user", capability: "quality:review" };
export const meta: MetaFunction = () => [{ title: "Your calibration answers · Quality · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "quality:review");
  const [own, settings] = await Promise.all([accuracyOf(user.id), qualitySettings()]);
  return json({ ...own, showExplanation: settings.showExplanation });
}

export default function MyCalibration() {
  const { total, bySet, recent, showExplanation } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Your calibration answers"
        description="Now and then Next item gives you an item whose answer the policy leads already know. This is how your answers compare; only you and the policy leads see it, and it is not a performance score."
      />
      {total.answers === 0 ? (
        <p className="text-sm text-slate-700">You have not answered a calibration item yet.</p>
      ) : (
        <div className="grid gap-6">
          <AccuracyTable
            caption="Answers, and the share with the expected action and exactly the expected labels"
            rows={[{ name: "All", ...total }, ...bySet.map((s) => ({ ...s, name: s.setName }))]}
          />
          <section aria-labelledby="recent-heading">
            <h2 id="recent-heading" className="mb-2 font-semibold">
              Recent answers
            </h2>
            <ul className="grid gap-1 text-sm">
              {recent.map((r) => (
                <li key={r.id}>
                  {showExplanation ? (
                    <Link to={`/quality/calibration/answers/${r.id}`} className="text-blue-800 underline">
                      {utc(r.answeredAt)}
                    </Link>
                  ) : (
                    utc(r.answeredAt)
                  )}
                  {" · action "}
                  {r.actionCorrect ? "matches" : "differs"}
                  {" · labels "}
                  {r.labelsCorrect ? "match" : "differ"}
                </li>
              ))}
            </ul>
          </section>
        </div>
      )}
    </>
  );
}
