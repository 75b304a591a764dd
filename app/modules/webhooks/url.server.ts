// Whether a URL a platform names may become a webhook endpoint. The sender checks every address
// again when it connects (resolve.server.ts), so this check is the early, readable refusal, not the
// only guard: a name that resolves somewhere harmless today and somewhere private tomorrow is
// refused at sending time. See docs/decisions/044-webhook-endpoint-safety.md.
import { env } from "~/env.server.ts";
import { AddressRefused, allowedAddresses, bareHost, isAllowListed } from "./resolve.server.ts";

export type UrlCheck = { ok: true; url: string } | { ok: false; message: string };

// Names that by convention lead inside a network, whatever a resolver answers for them.
const INTERNAL_NAME = /(^|\.)(localhost|local|internal|home\.arpa)$/;

const refuse = (message: string): UrlCheck => ({ ok: false, message });

/** The URL as Docket will store and call it, or why it may not be a webhook endpoint. */
export async function checkWebhookUrl(raw: string): Promise<UrlCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse("The url is not an absolute URL; send one such as https://hooks.example.com/docket.");
  }
  const plainHttp = url.protocol === "http:";
  if (url.protocol !== "https:" && !plainHttp) return refuse(`The url must use https, not ${url.protocol.replace(/:$/, "")}.`);
  if (plainHttp && !env.DOCKET_WEBHOOK_ALLOW_HTTP_LOOPBACK) return refuse("The url must use https: webhooks are not sent over plain http.");
  if (url.username || url.password) return refuse("The url may not hold a user name or password; authenticate deliveries by their signature.");
  // An empty fragment ("#") leaves url.hash empty but is still in what was sent.
  if (url.hash || url.href.includes("#")) return refuse("The url may not have a fragment (#...); it is never sent to the server.");
  const host = bareHost(url.hostname).toLowerCase().replace(/\.$/, "");
  if (!host) return refuse("The url has no host.");
  if (INTERNAL_NAME.test(host) && !isAllowListed(host)) return refuse(`The host "${host}" is an internal name; Docket does not send webhooks there.`);
  try {
    await allowedAddresses(url.hostname, { loopbackOnly: plainHttp });
  } catch (e) {
    if (e instanceof AddressRefused) return refuse(e.message);
    throw e;
  }
  return { ok: true, url: url.href };
}
