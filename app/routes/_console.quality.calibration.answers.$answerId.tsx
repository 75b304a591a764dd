import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { AnswerReview } from "~/components/quality/calibration/answer-review.tsx";
import { PageHeader, buttonClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { notFound } from "~/modules/http/errors.server.ts";
import { answeredCalibration } from "~/modules/quality/calibration/answers.server.ts";
import { qualitySettings } from "~/modules/quality/settings.server.ts";

export const access: Access = { kind: "user", capability: "quality:review" };
export const meta: MetaFunction = () => [{ title: "Calibration answer · Quality · Docket" }];

// The moderator who answered reads it once answered (the expected answer must not be readable while
// the item is on their screen) and while the leads show explanations; leads, who read every
// moderator's accuracy, read any answer. Other moderators meet nothing there.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "quality:review");
  const lead = can(user.role, "quality:by_moderator");
  const answer = await answeredCalibration(user.id, params.answerId ?? "", lead);
  if (!answer || (answer.own && !lead && !(await qualitySettings()).showExplanation)) throw notFound("That answer does not exist.");
  return json({ answer });
}

export default function CalibrationAnswer() {
  const { answer } = useLoaderData<typeof loader>();
  if (!answer.own) {
    return (
      <>
        <PageHeader
          title="A moderator's calibration answer"
          description="Their answer beside the expected one, for coaching and for finding guidance that needs work."
          actions={
            <Link to="/quality/calibration" className={secondaryButtonClass}>
              Calibration items
            </Link>
          }
        />
        <AnswerReview answer={answer} whose="Their answer" />
      </>
    );
  }
  return (
    <>
      <PageHeader
        title="That was a calibration item"
        description="An item with a known answer, for practice: nothing was decided, and it counts only in your own calibration accuracy."
        actions={
          <Link to="/quality/calibration/mine" className={secondaryButtonClass}>
            Your calibration answers
          </Link>
        }
      />
      <AnswerReview answer={answer} whose="Your answer" />
      <Form method="post" action="/queue?index" className="mt-6">
        <button type="submit" name="intent" value="next" className={buttonClass}>
          Next item
        </button>
      </Form>
    </>
  );
}
