import { Form } from "@remix-run/react";
import { Notice, PageHeader, buttonClass } from "~/components/ui/page.tsx";
import { SetBreadcrumb } from "./set-breadcrumb.tsx";

/** A set without a draft: the one thing to do is start one. */
export function DraftStart({ set, live, refusal }: { set: { id: string; name: string }; live: { number: number } | null; refusal: string | undefined }) {
  return (
    <>
      <SetBreadcrumb set={set} />
      <PageHeader
        title={`${set.name}: no draft`}
        description="Changes happen in a draft copied from the live version. Nothing changes for moderators until you publish it."
      />
      {refusal ? <Notice tone="error">{refusal}</Notice> : null}
      <Form method="post">
        <input type="hidden" name="intent" value="start" />
        <button type="submit" className={buttonClass}>
          Start a draft from {live ? `version ${live.number}` : "scratch"}
        </button>
      </Form>
    </>
  );
}
