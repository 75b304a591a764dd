import { Link } from "@remix-run/react";

const linkClass = "rounded text-blue-800 underline focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2";

/**
 * First, previous and next links for a list walked by cursor: plain links, so paging works without
 * JavaScript and each is a tab stop. A link that leads nowhere is left out rather than disabled.
 */
export function Pager(props: {
  first: string | null;
  previous: string | null;
  next: string | null;
  from: number;
  to: number;
  total: number;
  children?: React.ReactNode;
}) {
  const shown =
    props.from === 0 ? "No items" : `Items ${props.from.toLocaleString("en")}–${props.to.toLocaleString("en")} of ${props.total.toLocaleString("en")}`;
  return (
    <nav aria-label="Pages" className="mt-4 flex items-center gap-4 text-sm">
      {props.first ? (
        <Link to={props.first} className={linkClass}>
          First page
        </Link>
      ) : null}
      {props.previous ? (
        <Link to={props.previous} className={linkClass} rel="prev">
          Previous page
        </Link>
      ) : null}
      <span>{shown}</span>
      {props.next ? (
        <Link to={props.next} className={linkClass} rel="next">
          Next page
        </Link>
      ) : null}
      {props.children}
    </nav>
  );
}
