// Which network addresses a webhook may be sent to. Docket sends requests to URLs that platforms
// name, so an endpoint must not be a way to reach Docket's own network: loopback, private, link-local,
// cloud metadata and every other special-purpose range are refused unless an allow-list names them.
import ipaddr from "ipaddr.js";

export type AddressPolicy = {
  /** Loopback addresses are allowed (DOCKET_WEBHOOK_ALLOW_HTTP_LOOPBACK, development and tests). */
  allowLoopback: boolean;
  /** Ranges (CIDR) allowed although special-purpose. */
  allowedRanges: readonly string[];
};

/**
 * Why an address may not be reached, or null when it may. IPv4-mapped and IPv4-embedding IPv6 forms
 * (::ffff:a.b.c.d, NAT64, 6to4, Teredo) are judged by what they lead to or refused outright.
 */
export function addressRefusal(address: string, policy: AddressPolicy): string | null {
  if (!ipaddr.isValid(address)) return `"${address}" is not an IP address`;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  if (inAllowedRange(parsed, policy.allowedRanges)) return null;
  const range = parsed.range();
  const special = SPECIAL_UNICAST.find(([network, bits]) => network.kind() === parsed.kind() && parsed.match([network, bits] as never));
  if (range === "unicast" && special) return `${parsed.toString()} is in the ${special[2]} range`;
  if (range === "unicast") return null;
  if (range === "loopback" && policy.allowLoopback) return null;
  return `${parsed.toString()} is in the ${RANGE_NAMES[range] ?? range} range`;
}

/** Whether an address (IPv4-mapped forms included) is a loopback address. */
export function isLoopbackAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === "loopback";
}

// Addresses ipaddr.js calls ordinary unicast that still lead somewhere Docket must not send: the
// deprecated IPv4-compatible IPv6 form (::a.b.c.d, which some hosts still route into IPv4) and a
// cloud platform's metadata and DNS service outside link-local space.
const SPECIAL_UNICAST: [ipaddr.IPv4 | ipaddr.IPv6, number, string][] = [
  [ipaddr.parse("::"), 96, "IPv4-compatible (deprecated IPv4-embedding)"],
  [ipaddr.parse("168.63.129.16"), 32, "cloud platform service (metadata and DNS)"],
];

const RANGE_NAMES: Record<string, string> = {
  loopback: "loopback",
  private: "private",
  linkLocal: "link-local (this includes cloud metadata services)",
  uniqueLocal: "unique-local (private IPv6)",
  carrierGradeNat: "shared (carrier-grade NAT)",
  unspecified: "unspecified",
  multicast: "multicast",
  broadcast: "broadcast",
  reserved: "reserved",
  benchmarking: "benchmarking",
  amt: "special-purpose (AMT)",
  as112: "special-purpose (AS112)",
  as112v6: "special-purpose (AS112)",
  deprecated: "deprecated",
  orchid2: "special-purpose (ORCHIDv2)",
  rfc6145: "IPv4-translated",
  rfc6052: "NAT64 (IPv4-embedding)",
  "6to4": "6to4 (IPv4-embedding)",
  teredo: "Teredo (IPv4-embedding)",
  ipv4Mapped: "IPv4-mapped",
};

function inAllowedRange(address: ipaddr.IPv4 | ipaddr.IPv6, ranges: readonly string[]): boolean {
  return ranges.some((cidr) => {
    if (!ipaddr.isValidCIDR(cidr)) return false;
    const [network, bits] = ipaddr.parseCIDR(cidr);
    return network.kind() === address.kind() && address.match([network, bits] as never);
  });
}
