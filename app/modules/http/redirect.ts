/** Only same-site paths: an attacker's link cannot bounce a fresh login to another host. */
export function safeRedirect(to: string | null | undefined, fallback: string): string {
  // Browsers drop tabs and newlines from URLs and read a backslash as "/", so "/\t/evil.example" would leave
  // the site: refuse control characters, spaces and backslashes outright, then insist on one leading "/".
  if (!to || /[\p{Cc} \\]/u.test(to) || !to.startsWith("/") || to.startsWith("//")) return fallback;
  if (to.startsWith("/login") || to.startsWith("/logout")) return fallback;
  return to;
}
