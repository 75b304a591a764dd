import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { refusalMessage } from "~/components/ui/form.ts";
import { Notice, PageHeader, buttonClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { clusterDecisionProgress, mayFollow, resumeClusterDecision } from "~/modules/clusters/decide.server.ts";
import { ClusterError } from "~/modules/clusters/errors.ts";
import { ResumeForm } from "~/modules/clusters/forms.ts";
import { notFound } from "~/modules/http/errors.server.ts";
import { invalidForm, parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";

export const access: Access = { kind: "user", capability: "clusters:decide" };

// While the members are being decided the page reloads itself every two seconds: it follows the job without JavaScript.
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: "Cluster decision · Docket" },
  ...(data?.job.state === "running" && !data.job.resumable ? [{ httpEquiv: "refresh", content: "2" }] : []),
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "clusters:decide");
  const job = await clusterDecisionProgress(params.jobId ?? "");
  // A job's progress is its owner's and the leads' business; to anyone else it does not exist.
  if (!job || !mayFollow(user, job)) throw notFound("There is no such cluster decision.");
  return json({ job });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireCapability(request, "clusters:decide");
  const submission = await parseSubmission(request, ResumeForm);
  if (submission.status !== "success") return invalidForm(submission, "This form only resumes the cluster decision.");
  try {
    const job = await resumeClusterDecision(user, params.jobId ?? "");
    return redirect(`/clusters/decisions/${job.id}`);
  } catch (e) {
    if (e instanceof ClusterError) return refuseForm(submission, { status: e.status, code: e.code, message: e.message });
    throw e;
  }
}

const STATE_TEXT = {
  running: "Deciding the members…",
  done: "Finished: every member was decided or skipped.",
  failed: "Stopped by an error. Members already decided stay decided; the rest are untouched until you resume.",
} as const;

export default function ClusterDecisionProgressPage() {
  const { job } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const percent = job.total === 0 ? 100 : Math.floor((job.processed / job.total) * 100);
  const stalled = job.state === "running" && job.resumable;
  return (
    <>
      <PageHeader
        title="Cluster decision"
        description="Every member gets its own decision, audit event and statement of reasons, written a few hundred at a time. Members someone else holds, assigned to someone else, or outside your queues are skipped and stay in their queues."
      />
      {refusalMessage(result) ? <Notice tone="error">{refusalMessage(result)}</Notice> : null}
      <p role="status" className="mb-3">
        {stalled ? "Paused: the process deciding these members stopped. Resume to decide the rest." : STATE_TEXT[job.state]}
      </p>
      {job.error ? <Notice tone="error">{job.error}</Notice> : null}
      <label htmlFor="cluster-progress" className="mb-1 block text-sm font-medium">
        {job.processed} of {job.total} members processed ({percent}%)
      </label>
      <progress id="cluster-progress" className="mb-4 w-full" max={job.total || 1} value={job.total === 0 ? 1 : job.processed}>
        {percent}%
      </progress>
      <dl className="mb-6 grid max-w-md grid-cols-2 gap-2 text-sm">
        <dt className="text-slate-600">Members</dt>
        <dd>{job.total}</dd>
        <dt className="text-slate-600">Processed</dt>
        <dd>{job.processed}</dd>
        <dt className="text-slate-600">Decided</dt>
        <dd>{job.decided}</dd>
        <dt className="text-slate-600">Skipped</dt>
        <dd>{job.skipped}</dd>
        <dt className="text-slate-600">State</dt>
        <dd>{stalled ? "paused" : job.state}</dd>
      </dl>
      <div className="flex flex-wrap items-center gap-4">
        {job.resumable ? (
          <Form method="post">
            <input type="hidden" name="intent" value="resume" />
            <button type="submit" className={buttonClass}>
              Resume
            </button>
          </Form>
        ) : null}
        {job.state === "done" ? (
          <Form method="post" action="/queue">
            <input type="hidden" name="intent" value="next" />
            <button type="submit" className={buttonClass}>
              Next item
            </button>
          </Form>
        ) : null}
        <Link to={`/review/${job.itemId}`} className={secondaryButtonClass}>
          The item you decided
        </Link>
      </div>
    </>
  );
}
