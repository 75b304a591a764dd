import { db } from "~/db.server.ts";
import type { Actor } from "~/modules/audit/writer.server.ts";
import { userActor } from "~/modules/auth/actor.ts";
import type { Role } from "~/modules/auth/capabilities.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { ingestFlags } from "~/modules/intake/ingest.server.ts";
import { claimItem } from "~/modules/queue/claims.server.ts";
import { flagRequest, testSender } from "./queue-fixtures.ts";

export const leadActor = (user: { id: string; email: string; role: string }): Actor => userActor(user as never);

/**
 * A decision made through the real path: a flag arrives, the moderator claims the item and decides
 * it with the given labels of the live version (`versionId` must be live). Keep when every label
 * allows the content, remove otherwise.
 */
export async function insertDecision(moderator: { id: string; email: string; role: Role }, versionId: string, labelKeys: string[]) {
  const labels = await db.label.findMany({ where: { versionId, key: { in: labelKeys } } });
  if (labels.length !== labelKeys.length) throw new Error(`labels ${labelKeys.join(", ")} not all in version ${versionId}`);
  const [received] = await ingestFlags(testSender, [flagRequest()], "single");
  const claim = await claimItem(moderator, received.itemId);
  if (!claim || claim.itemId !== received.itemId) throw new Error("could not claim the new item");
  const result = await decide(moderator, {
    itemId: received.itemId,
    claimId: claim.claimId,
    action: labels.some((l) => l.group === "violating") ? "remove" : "keep",
    labelIds: labels.map((l) => l.id),
    rationale: "Fictional test rationale about the made-up Northern Ember Front.",
  });
  return { decisionId: result.decisionId, itemId: received.itemId };
}
