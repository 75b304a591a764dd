import type { LoaderFunctionArgs } from "@remix-run/node";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { userActor } from "~/modules/auth/actor.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { apiError } from "~/modules/http/errors.server.ts";
import { exportLabelSet, LabelSetError } from "~/modules/labels/editor.server.ts";

export const access: Access = { kind: "user", capability: "labels:read" };

/** A version as a JSON file in the import format (the live version unless `?version=` names another). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "labels:read");
  const versionId = new URL(request.url).searchParams.get("version") ?? undefined;
  try {
    // Drafts are work in progress: only leads who can edit them may export them.
    const { file, filename } = await exportLabelSet(userActor(user), params.setId ?? "", versionId, { includeDrafts: can(user.role, "labels:edit") });
    return new Response(JSON.stringify(file, null, 2) + "\n", {
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Disposition": `attachment; filename="${filename}"`,
        "Cache-Control": "no-store",
      },
    });
  } catch (error) {
    if (error instanceof LabelSetError) throw apiError(404, error.code, error.message);
    throw error;
  }
}
