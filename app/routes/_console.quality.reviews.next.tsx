import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { nextReview } from "~/modules/quality/reviews/intents.server.ts";

export const access: Access = { kind: "user", capability: "quality:review" };

/** "Next review": the review the user holds, or the oldest sampled one waiting for them. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireCapability(request, "quality:review");
  return redirect((await nextReview(user)).redirect);
}
