/** What a queue page says after a change it redirected from (`?done=`), with `n` its count. */
export function doneMessage(done: string | null, n: number): string | undefined {
  const items = (k: number) => `${k} open item${k === 1 ? "" : "s"}`;
  switch (done) {
    case "created":
      return "Queue created. Add its members, then point a routing rule at it.";
    case "updated":
      return "Changes saved.";
    case "unchanged":
      return "Nothing changed.";
    case "closed":
      return `Queue closed; ${items(n)} became unrouted.`;
    case "already_closed":
      return "The queue was already closed.";
    case "reopened":
      return "Queue reopened; routing may send items here again.";
    case "already_open":
      return "The queue was already open.";
    case "member_added":
      return "Member added.";
    case "already_member":
      return "That person already works this queue.";
    case "member_removed":
      return `Member removed; ${items(n)} assigned to them here ${n === 1 ? "is" : "are"} unassigned.`;
    case "not_member":
      return "That person did not work this queue.";
    default:
      return undefined;
  }
}
