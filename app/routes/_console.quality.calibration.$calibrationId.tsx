import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CalibrationForm } from "~/components/quality/calibration/calibration-form.tsx";
import { lastResultOf, refusalMessage } from "~/components/ui/form.ts";
import { Notice, PageHeader, secondaryButtonClass } from "~/components/ui/page.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { notFound } from "~/modules/http/errors.server.ts";
import { invalidForm, parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";
import { CalibrationEditForm, CalibrationRetireForm } from "~/modules/quality/calibration/form.ts";
import { calibrationFormOptions, calibrationItem, setCalibrationActive, updateCalibrationItem } from "~/modules/quality/calibration/items.server.ts";
import { QualityError } from "~/modules/quality/errors.ts";

export const access: Access = { kind: "user", capability: "quality:manage" };
export const meta: MetaFunction = () => [{ title: "Calibration item · Quality · Docket" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireCapability(request, "quality:manage");
  const item = await calibrationItem(params.calibrationId ?? "");
  if (!item) throw notFound("That calibration item does not exist.");
  return json({ item, ...(await calibrationFormOptions()) });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireCapability(request, "quality:manage");
  const lead = { kind: "user" as const, id: user.id, email: user.email, role: user.role };
  const id = params.calibrationId ?? "";
  // The intent picks the form: saving checks the whole item, retiring only says so.
  const intent = (
    await request
      .clone()
      .formData()
      .catch(() => null)
  )?.get("intent");
  const submission = await parseSubmission(request, intent === "retire" || intent === "restore" ? CalibrationRetireForm : CalibrationEditForm);
  if (submission.status !== "success") return invalidForm(submission);
  try {
    const value = submission.value as CalibrationEditForm | CalibrationRetireForm;
    if (value.intent === "save") await updateCalibrationItem(lead, id, value);
    else await setCalibrationActive(lead, id, value.intent === "restore");
  } catch (e) {
    if (!(e instanceof QualityError)) throw e;
    return refuseForm(submission, { status: e.status, code: e.code, message: e.message, fieldErrors: e.field ? { [e.field]: [e.message] } : undefined });
  }
  return redirect("/quality/calibration?notice=saved");
}

export default function CalibrationItemPage() {
  const { item, labelSets, reasons } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const refusal = refusalMessage(actionData);
  return (
    <>
      <PageHeader
        title={item.title || "Calibration item"}
        description={`${item.fromItem ? "Copied from an item" : "Written by a lead"} · ${item.active ? "served to moderators" : "retired: no longer served"}. Changes apply to the next serving; answers already given keep their score.`}
        actions={
          <Link to="/quality/calibration" className={secondaryButtonClass}>
            All calibration items
          </Link>
        }
      />
      {refusal ? <Notice tone="error">{refusal}</Notice> : null}
      <CalibrationForm
        mode="edit"
        schema={CalibrationEditForm}
        lastResult={lastResultOf(actionData, "save")}
        labelSets={labelSets}
        reasons={reasons}
        defaults={{ ...item, expectedLabelIds: item.expectedLabelIds }}
      />
      <Form method="post" className="mt-6">
        <input type="hidden" name="intent" value={item.active ? "retire" : "restore"} />
        <button type="submit" className={secondaryButtonClass}>
          {item.active ? "Retire: stop serving it" : "Serve it again"}
        </button>
      </Form>
    </>
  );
}
