import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { SamplingRuleForm } from "~/components/quality/sampling-rule-form.tsx";
import { lastResultOf, refusalMessage } from "~/components/ui/form.ts";
import { Notice, PageHeader } from "~/components/ui/page.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";
import { QualityError } from "~/modules/quality/errors.ts";
import { samplingPage } from "~/modules/quality/sampling-page.server.ts";
import { saveSamplingRule } from "~/modules/quality/sampling-rules.server.ts";
import { SamplingRuleForm as Schema } from "~/modules/quality/sampling.ts";
import { z } from "zod";

export const access: Access = { kind: "user", capability: "quality:manage" };
export const meta: MetaFunction = () => [{ title: "Sampling rules · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCapability(request, "quality:manage");
  const url = new URL(request.url);
  return json({ ...(await samplingPage()), edit: url.searchParams.get("edit"), notice: url.searchParams.get("notice") });
}

const Save = Schema.extend({ ruleId: z.preprocess((v) => (v === "" ? undefined : v), z.string().max(64).optional()) });

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireCapability(request, "quality:manage");
  const submission = await parseSubmission(request, Save);
  if (submission.status !== "success") return refuseForm(submission, { status: 400, code: "invalid_form", message: "Check the highlighted fields." });
  const { ruleId, ...input } = submission.value;
  try {
    await saveSamplingRule({ kind: "user", id: user.id, email: user.email, role: user.role }, input, ruleId);
  } catch (e) {
    if (e instanceof QualityError)
      return refuseForm(submission, { status: e.status, code: e.code, message: e.message, fieldErrors: e.field ? { [e.field]: [e.message] } : undefined });
    throw e;
  }
  return redirect(`/quality/sampling?notice=${ruleId ? "saved" : "created"}`);
}

const pct = (n: number) => `${Number.isInteger(n) ? n : n.toFixed(2)}%`;

export default function SamplingRoute() {
  const { rules, choices, edit, notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const editing = rules.find((r) => r.id === edit) ?? null;
  const refusal = refusalMessage(actionData);
  return (
    <>
      <PageHeader
        title="Sampling rules"
        description="Which decisions get a blind second review. A decision is checked against the active rules in order; the first that samples it sends it to its queue's members for review, never to the person who decided it."
      />
      {notice === "created" ? <Notice tone="success">Rule created. It samples decisions from now on.</Notice> : null}
      {notice === "saved" ? <Notice tone="success">Rule saved.</Notice> : null}
      {refusal ? <Notice tone="error">{refusal}</Notice> : null}
      <div className="mb-6 overflow-x-auto rounded border border-slate-200 bg-white">
        <table className="min-w-full text-sm">
          <caption className="sr-only">Sampling rules with what they cover and how much they sample</caption>
          <thead className="bg-slate-50 text-left">
            <tr>
              <th scope="col" className="px-3 py-2">
                Rule
              </th>
              <th scope="col" className="px-3 py-2">
                Covers
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                Share
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                Minimum a week
              </th>
              <th scope="col" className="px-3 py-2">
                Per action a week
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                Sampled so far
              </th>
              <th scope="col" className="px-3 py-2">
                State
              </th>
              <th scope="col" className="px-3 py-2">
                <span className="sr-only">Edit</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rules.length === 0 ? (
              <tr>
                <td colSpan={8} className="px-3 py-3 text-slate-600">
                  No rules yet: no decision is sampled for quality review.
                </td>
              </tr>
            ) : (
              rules.map((r) => (
                <tr key={r.id}>
                  <td className="px-3 py-2 font-medium">{r.name}</td>
                  <td className="px-3 py-2">
                    {[
                      r.queueName && `queue ${r.queueName}`,
                      r.labelSetName && `label set ${r.labelSetName}`,
                      r.moderatorName && `decisions by ${r.moderatorName}`,
                    ]
                      .filter(Boolean)
                      .join(", ") || "every decision"}
                  </td>
                  <td className="px-3 py-2 text-right">{pct(r.percent)}</td>
                  <td className="px-3 py-2 text-right">{r.minPerWeek}</td>
                  <td className="px-3 py-2">
                    {Object.entries(r.actionQuotas)
                      .map(([a, n]) => `${a} ${n}`)
                      .join(", ") || "none"}
                  </td>
                  <td className="px-3 py-2 text-right">{r.sampled}</td>
                  <td className="px-3 py-2">{r.active ? "active" : "paused"}</td>
                  <td className="px-3 py-2">
                    <Link to={`/quality/sampling?edit=${r.id}#rule-form`} className="text-blue-800 underline">
                      Edit<span className="sr-only"> {r.name}</span>
                    </Link>
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <SamplingRuleForm key={editing?.id ?? "new"} rule={editing} choices={choices} lastResult={lastResultOf(actionData)} />
    </>
  );
}
