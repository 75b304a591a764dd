import { isRouteErrorResponse } from "@remix-run/react";

/** Turns whatever a route threw into words a person can act on. */
export function errorMessage(error: unknown): { status: number; title: string; detail: string } {
  if (isRouteErrorResponse(error)) {
    const data = error.data as { error?: { message?: string } } | string | undefined;
    const detail = typeof data === "string" ? data : (data?.error?.message ?? "The request could not be completed.");
    const titles: Record<number, string> = {
      400: "That request was not valid",
      403: "Not allowed",
      404: "Not found",
      409: "Someone else got there first",
      413: "Too large",
      429: "Slow down",
    };
    return { status: error.status, title: titles[error.status] ?? `Error ${error.status}`, detail };
  }
  return { status: 500, title: "Something went wrong", detail: "Docket hit an unexpected error. It has been logged." };
}
