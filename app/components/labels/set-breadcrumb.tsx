import { Link } from "@remix-run/react";

/** "Label sets / <set> /" above every page about one label set: its draft, a version, a comparison. */
export function SetBreadcrumb({ set }: { set: { id: string; name: string } }) {
  return (
    <p className="mb-2 text-sm">
      <Link to="/labels" className="text-blue-800 hover:underline">
        Label sets
      </Link>{" "}
      /{" "}
      <Link to={`/labels/${set.id}`} className="text-blue-800 hover:underline">
        {set.name}
      </Link>{" "}
      /
    </p>
  );
}
