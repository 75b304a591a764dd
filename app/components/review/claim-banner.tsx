import { Form } from "@remix-run/react";
import { secondaryButtonClass } from "~/components/ui/page.tsx";

/** Shown when the reviewer does not hold the item: who does, a button to claim it, or why it is read-only. */
export function ClaimBanner({
  holder,
  leaseExpiresAt,
  canClaim,
  stateName,
}: {
  holder: { name: string; email: string } | null;
  leaseExpiresAt: string | null;
  canClaim: boolean;
  stateName: string;
}) {
  return (
    <div className="mb-4 rounded border border-amber-300 bg-amber-50 p-3 text-sm">
      {holder ? (
        <p>
          {holder.name} ({holder.email}) holds this item until {leaseExpiresAt ? new Date(leaseExpiresAt).toISOString().slice(11, 16) : "?"} UTC. You can read
          it but not decide it.
        </p>
      ) : canClaim ? (
        <Form method="post" className="flex items-center gap-3">
          <p>You do not hold this item. Claim it to decide.</p>
          <input type="hidden" name="intent" value="claim" />
          <button type="submit" className={secondaryButtonClass}>
            Claim this item
          </button>
        </Form>
      ) : (
        <p>This item is {stateName}; it is shown read-only.</p>
      )}
    </div>
  );
}
