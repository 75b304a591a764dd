import { Link } from "@remix-run/react";

/** The leads' reminder that some open items wait in no queue, where nobody can claim them. */
export function UnroutedNotice({ count }: { count: number }) {
  return (
    <p role="status" className="mb-4 rounded border border-amber-300 bg-amber-50 p-3 text-sm">
      <strong>{count.toLocaleString("en")}</strong> open item{count === 1 ? "" : "s"} wait{count === 1 ? "s" : ""} unrouted: no rule sends{" "}
      {count === 1 ? "it" : "them"} to an open queue, so nobody can claim {count === 1 ? "it" : "them"}.{" "}
      <Link to="/queues/unrouted" className="font-medium text-blue-800 underline">
        See the unrouted items
      </Link>
    </p>
  );
}
