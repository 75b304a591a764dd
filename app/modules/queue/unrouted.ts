/** The queue filter's value for open items that wait in no queue (shared by the server and the page). */
export const UNROUTED = "unrouted";
