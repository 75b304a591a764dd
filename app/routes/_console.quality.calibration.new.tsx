import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { CalibrationForm } from "~/components/quality/calibration/calibration-form.tsx";
import { lastResultOf, refusalMessage } from "~/components/ui/form.ts";
import { Notice, PageHeader, secondaryButtonClass } from "~/components/ui/page.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { invalidForm, parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";
import { CalibrationItemForm } from "~/modules/quality/calibration/form.ts";
import { calibrationFormOptions, createCalibrationItem } from "~/modules/quality/calibration/items.server.ts";
import { QualityError } from "~/modules/quality/errors.ts";

export const access: Access = { kind: "user", capability: "quality:manage" };
export const meta: MetaFunction = () => [{ title: "New calibration item · Quality · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCapability(request, "quality:manage");
  return json(await calibrationFormOptions());
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireCapability(request, "quality:manage");
  const submission = await parseSubmission(request, CalibrationItemForm);
  if (submission.status !== "success") return invalidForm(submission);
  try {
    await createCalibrationItem({ kind: "user", id: user.id, email: user.email, role: user.role }, submission.value);
  } catch (e) {
    if (!(e instanceof QualityError)) throw e;
    return refuseForm(submission, { status: e.status, code: e.code, message: e.message, fieldErrors: e.field ? { [e.field]: [e.message] } : undefined });
  }
  return redirect("/quality/calibration?notice=created");
}

export default function NewCalibrationItem() {
  const { labelSets, reasons } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const refusal = refusalMessage(actionData);
  return (
    <>
      <PageHeader
        title="New calibration item"
        description="Copy an item (the item itself is untouched) or write a fictional text, then say what a moderator should decide and why."
        actions={
          <Link to="/quality/calibration" className={secondaryButtonClass}>
            All calibration items
          </Link>
        }
      />
      {refusal ? <Notice tone="error">{refusal}</Notice> : null}
      <CalibrationForm mode="new" schema={CalibrationItemForm} lastResult={lastResultOf(actionData)} labelSets={labelSets} reasons={reasons} />
    </>
  );
}
