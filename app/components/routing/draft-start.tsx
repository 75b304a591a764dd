import { Form } from "@remix-run/react";
import { buttonClass } from "~/components/ui/page.tsx";

/** The one button that opens a draft: it copies the live rules (or returns the draft a lead already started). */
export function StartDraftButton({ live }: { live: { number: number } | null }) {
  return (
    <Form method="post" action="/routing/draft">
      <input type="hidden" name="intent" value="start" />
      <button type="submit" className={buttonClass}>
        {`Start a draft${live ? ` from version ${live.number}` : ""}`}
      </button>
    </Form>
  );
}
