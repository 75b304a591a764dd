// Resolving a webhook host to the addresses Docket may connect to. Registration checks a URL with it,
// and the sender connects only to what it answers at the moment of sending, so a name that later
// resolves to a private address (DNS rebinding) is refused then too.
import { lookup } from "node:dns/promises";
import { Resolver } from "node:dns/promises";
import { isIP } from "node:net";
import { env } from "~/env.server.ts";
import { addressRefusal, isLoopbackAddress, type AddressPolicy } from "./address.ts";

export type ResolvedAddress = { address: string; family: 4 | 6 };

/** A host Docket will not send to, with the reason in words a platform's engineer can act on. */
export class AddressRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AddressRefused";
  }
}

function policy(): AddressPolicy & { allowedNames: Set<string> } {
  const allowed = env.DOCKET_WEBHOOK_ALLOWED_HOSTS;
  return {
    allowLoopback: env.DOCKET_WEBHOOK_ALLOW_HTTP_LOOPBACK,
    allowedRanges: allowed.filter((entry) => entry.includes("/")),
    allowedNames: new Set(allowed.filter((entry) => !entry.includes("/")).map(canonicalName)),
  };
}

const canonicalName = (host: string) => host.toLowerCase().replace(/\.$/, "");

/** A URL's hostname without IPv6 brackets. */
export const bareHost = (hostname: string) => hostname.replace(/^\[(.*)\]$/, "$1");

/** Whether the allow-list names this host outright. */
export function isAllowListed(hostname: string): boolean {
  return policy().allowedNames.has(canonicalName(bareHost(hostname)));
}

async function resolveName(host: string): Promise<ResolvedAddress[]> {
  if (env.DOCKET_WEBHOOK_DNS_SERVERS.length === 0) {
    return (await lookup(host, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  }
  const resolver = new Resolver({ timeout: env.DOCKET_WEBHOOK_TIMEOUT_MS, tries: 2 });
  resolver.setServers(env.DOCKET_WEBHOOK_DNS_SERVERS);
  const settle = <T>(p: Promise<T[]>) => p.catch((e: NodeJS.ErrnoException) => (e.code === "ENODATA" || e.code === "ENOTFOUND" ? [] : Promise.reject(e)));
  const [v4, v6] = await Promise.all([settle(resolver.resolve4(host)), settle(resolver.resolve6(host))]);
  return [...v4.map((address) => ({ address, family: 4 as const })), ...v6.map((address) => ({ address, family: 6 as const }))];
}

/**
 * Every address the host resolves to, when all of them may be reached; otherwise throws
 * AddressRefused. A name that resolves to one private address among public ones is refused whole:
 * which address a connection takes is not Docket's to choose.
 */
export async function allowedAddresses(hostname: string, options: { loopbackOnly?: boolean } = {}): Promise<ResolvedAddress[]> {
  const host = bareHost(hostname);
  const rules = policy();
  const literal = isIP(host);
  let addresses: ResolvedAddress[];
  if (literal) addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await resolveName(host);
    } catch (e) {
      throw new AddressRefused(`The host "${host}" does not resolve (${(e as NodeJS.ErrnoException).code ?? "lookup failed"}).`);
    }
    if (addresses.length === 0) throw new AddressRefused(`The host "${host}" does not resolve to any address.`);
  }
  // Plain http (development and tests only) never leaves the machine, whatever a name resolves to later.
  if (options.loopbackOnly && !addresses.every(({ address }) => isLoopbackAddress(address))) {
    throw new AddressRefused("Plain http is allowed only to a loopback address (development and tests); use https.");
  }
  if (!literal && rules.allowedNames.has(canonicalName(host))) return addresses;
  for (const { address } of addresses) {
    const refusal = addressRefusal(address, rules);
    if (!refusal) continue;
    // A name's refusal does not repeat the address it resolved to: that would let a platform map the
    // names Docket's own network resolves.
    if (literal) throw new AddressRefused(`${refusal}: Docket does not send webhooks there.`);
    throw new AddressRefused(`The host "${host}" resolves to an address Docket does not send webhooks to (${refusal.replace(/^.* is in /, "")}).`);
  }
  return addresses;
}
