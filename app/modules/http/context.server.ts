import type { AppLoadContext } from "@remix-run/node";

/** The caller's network address as the HTTP layer saw it (behind a trusted proxy: X-Forwarded-For). */
export function clientAddress(context: AppLoadContext): string {
  return (context as { clientAddress?: string }).clientAddress ?? "unknown";
}
