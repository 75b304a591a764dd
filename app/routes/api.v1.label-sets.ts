import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireApiKey } from "~/modules/auth/guard.server.ts";
import { liveLabelSets } from "~/modules/labels/live.server.ts";

export const access = { kind: "api", scope: "labels:read" } satisfies Access;

/** The rules a platform enforces, for it to show its users: each set's live version and its labels in use. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireApiKey(request, access.scope);
  const sets = await liveLabelSets();
  return json(
    {
      labelSets: sets.map((s) => ({
        key: s.setKey,
        name: s.name,
        version: s.versionNumber,
        publishedAt: s.publishedAt?.toISOString() ?? null,
        labels: s.labels.map((l) => ({ key: l.key, name: l.name, group: l.group, definition: l.definition, defaultAction: l.defaultAction })),
      })),
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}
