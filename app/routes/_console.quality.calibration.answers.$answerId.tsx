import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { AnswerReview } from "~/components/quality/calibration/answer-review.tsx";
import { PageHeader, buttonClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { notFound } from "~/modules/http/errors.server.ts";
import { answeredCalibration } from "~/modules/quality/calibration/answers.server.ts";
import { qualitySettings } from "~/modules/quality/settings.server.ts";

export const access: Access = { kind: "user", capability: "quality:review" };
export const meta: MetaFunction = () => [{ title: "Calibration answer · Quality · Docket" }];

// Only the moderator who answered reads it, and only once answered (the expected answer must not
// be readable while the item is on their screen) and while the leads show explanations.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "quality:review");
  const answer = (await qualitySettings()).showExplanation ? await answeredCalibration(user.id, params.answerId ?? "") : null;
  if (!answer) throw notFound("That answer does not exist.");
  return json({ answer });
}

export default function CalibrationAnswer() {
  const { answer } = useLoaderData<typeof loader>();
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
      <AnswerReview answer={answer} />
      <Form method="post" action="/queue?index" className="mt-6">
        <button type="submit" name="intent" value="next" className={buttonClass}>
          Next item
        </button>
      </Form>
    </>
  );
}
