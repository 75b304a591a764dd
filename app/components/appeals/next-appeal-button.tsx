import { Form } from "@remix-run/react";
import { buttonClass, secondaryButtonClass } from "~/components/ui/page.tsx";

/**
 * "Next appeal": a plain form post that claims the reviewer's next appeal (the one they hold first)
 * and opens it, or comes back with a notice when none waits. From one queue when `queue` is given.
 */
export function NextAppealButton({ label = "Next appeal", queue, secondary }: { label?: string; queue?: { id: string; name: string }; secondary?: boolean }) {
  return (
    <Form method="post" action="/appeals/next">
      <input type="hidden" name="intent" value="next" />
      {queue ? <input type="hidden" name="queueId" value={queue.id} /> : null}
      <button type="submit" className={secondary ? secondaryButtonClass : buttonClass}>
        {label}
        {queue ? <span className="sr-only">: {queue.name}</span> : null}
      </button>
    </Form>
  );
}
