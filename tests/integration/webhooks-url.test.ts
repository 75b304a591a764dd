import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startDnsServer, type RunningDns } from "../support/dns-server.ts";

// Must hold 4: a webhook URL is refused when it leads to a private, loopback, link-local, metadata or
// other special-purpose address, whether written as a literal (in any of the forms URL parsing
// accepts) or as a name that resolves there through real DNS (a test server on 127.0.0.1).

const PUBLIC_V4 = "93.184.216.34";
const PUBLIC_V6 = "2606:2800:220:1:248:1893:25c8:1946";

const DNS_TABLE = {
  "hooks.platform.test": [PUBLIC_V4],
  "v6.platform.test": [PUBLIC_V6],
  "private.platform.test": ["10.1.2.3"],
  "home.platform.test": ["192.168.0.7"],
  "metadata.platform.test": ["169.254.169.254"],
  "ec2-v6.platform.test": ["fd00:ec2::254"],
  "ula.platform.test": ["fd12:3456::1"],
  "mapped.platform.test": ["::ffff:127.0.0.1"],
  "linklocal6.platform.test": ["fe80::1"],
  "cgnat.platform.test": ["100.64.1.1"],
  "mixed.platform.test": [PUBLIC_V4, "192.168.0.7"],
  "mixed6.platform.test": [PUBLIC_V4, "fd12::7"],
  "loop.platform.test": ["127.0.0.1", "::1"],
  "empty.platform.test": [],
  "hooks.partner.internal": ["10.20.1.5"],
  "named.partner.test": ["10.99.0.1"],
  "ranged.partner.test": ["10.20.9.9"],
};

type Settings = "default" | "loopback" | "allow";
type Row = [Settings, string, "accept" | "refuse", (string | RegExp)?];

const ROWS: Row[] = [
  // Accepted: public hosts over https, normalised as WHATWG URL parsing writes them.
  ["default", "https://hooks.platform.test/docket", "accept", "https://hooks.platform.test/docket"],
  ["default", "https://HOOKS.Platform.test:8443/in?x=1", "accept", "https://hooks.platform.test:8443/in?x=1"],
  ["default", "https://v6.platform.test/", "accept"],
  ["default", `https://${PUBLIC_V4}/hook`, "accept"],
  ["default", `https://[${PUBLIC_V6}]/hook`, "accept"],
  // Literal IPv4 in special-purpose ranges.
  ["default", "https://10.0.0.5/", "refuse", /private/],
  ["default", "https://172.16.0.1/", "refuse", /private/],
  ["default", "https://192.168.1.10/", "refuse", /private/],
  ["default", "https://127.0.0.1/", "refuse", /loopback/],
  ["default", "https://127.8.9.10/", "refuse", /loopback/],
  ["default", "https://169.254.169.254/latest/meta-data/", "refuse", /link-local/],
  ["default", "https://169.254.10.1/", "refuse", /link-local/],
  ["default", "https://0.0.0.0/", "refuse", /unspecified/],
  ["default", "https://100.64.0.1/", "refuse", /carrier-grade/],
  ["default", "https://224.0.0.1/", "refuse", /multicast/],
  ["default", "https://255.255.255.255/", "refuse", /broadcast/],
  // Other spellings of loopback that URL parsing turns into 127.0.0.1.
  ["default", "https://2130706433/", "refuse", /127\.0\.0\.1 is in the loopback/],
  ["default", "https://0x7f.1/", "refuse", /127\.0\.0\.1 is in the loopback/],
  ["default", "https://0177.0.0.1/", "refuse", /127\.0\.0\.1 is in the loopback/],
  ["default", "https://017700000001/", "refuse", /127\.0\.0\.1 is in the loopback/],
  ["default", "https://0xa9fea9fe/", "refuse", /169\.254\.169\.254 is in the link-local/],
  // Literal IPv6, and IPv6 forms that lead to IPv4.
  ["default", "https://[::1]/", "refuse", /loopback/],
  ["default", "https://[::]/", "refuse", /unspecified/],
  ["default", "https://[fe80::1]/", "refuse", /link-local/],
  ["default", "https://[fd00:ec2::254]/", "refuse", /unique-local/],
  ["default", "https://[fc00::1]/", "refuse", /unique-local/],
  ["default", "https://[::ffff:169.254.169.254]/", "refuse", /169\.254\.169\.254 is in the link-local/],
  ["default", "https://[::ffff:a9fe:a9fe]/", "refuse", /169\.254\.169\.254 is in the link-local/],
  ["default", "https://[::ffff:10.0.0.1]/", "refuse", /10\.0\.0\.1 is in the private/],
  ["default", "https://[::ffff:127.0.0.1]/", "refuse", /loopback/],
  ["default", "https://[64:ff9b::a9fe:a9fe]/", "refuse", /NAT64/],
  ["default", "https://[2002:a9fe:a9fe::]/", "refuse", /6to4/],
  ["default", "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "refuse", /Teredo/],
  ["default", "https://[ff02::1]/", "refuse", /multicast/],
  // The deprecated IPv4-compatible form, and a cloud metadata address outside link-local space.
  ["default", "https://[::a9fe:a9fe]/", "refuse", /IPv4-compatible/],
  ["default", "https://[::7f00:1]/", "refuse", /IPv4-compatible/],
  ["default", "https://168.63.129.16/", "refuse", /cloud platform service/],
  // The URL itself.
  ["default", "http://hooks.platform.test/docket", "refuse", /https/],
  ["default", "ftp://hooks.platform.test/docket", "refuse", /https, not ftp/],
  ["default", "javascript:alert(1)", "refuse", /https/],
  ["default", "hooks.platform.test/docket", "refuse", /not an absolute URL/],
  ["default", "https://user:secret@hooks.platform.test/", "refuse", /user name or password/],
  ["default", "https://user@hooks.platform.test/", "refuse", /user name or password/],
  ["default", "https://hooks.platform.test/docket#part", "refuse", /fragment/],
  ["default", "https://hooks.platform.test/docket#", "refuse", /fragment/],
  ["default", "http://127.0.0.1:8080/hook", "refuse", /https/],
  // Internal names, whatever they resolve to.
  ["default", "https://localhost/", "refuse", /internal name/],
  ["default", "https://LOCALHOST./", "refuse", /internal name/],
  ["default", "https://api.localhost/", "refuse", /internal name/],
  ["default", "https://metadata.google.internal/", "refuse", /internal name/],
  ["default", "https://printer.local/", "refuse", /internal name/],
  ["default", "https://router.home.arpa/", "refuse", /internal name/],
  // Names resolving to special-purpose addresses through DNS.
  [
    "default",
    "https://private.platform.test/",
    "refuse",
    /^The host "private\.platform\.test" resolves to an address Docket does not send webhooks to \(the private range\)\.$/,
  ],
  ["default", "https://home.platform.test/", "refuse", /private/],
  ["default", "https://metadata.platform.test/", "refuse", /link-local/],
  ["default", "https://ec2-v6.platform.test/", "refuse", /unique-local/],
  ["default", "https://ula.platform.test/", "refuse", /unique-local/],
  ["default", "https://mapped.platform.test/", "refuse", /loopback/],
  ["default", "https://linklocal6.platform.test/", "refuse", /link-local/],
  ["default", "https://cgnat.platform.test/", "refuse", /carrier-grade/],
  ["default", "https://loop.platform.test/", "refuse", /loopback/],
  ["default", "https://mixed.platform.test/", "refuse", /private/],
  ["default", "https://mixed6.platform.test/", "refuse", /unique-local/],
  ["default", "https://nowhere.platform.test/", "refuse", /does not resolve/],
  ["default", "https://empty.platform.test/", "refuse", /does not resolve/],
  // Plain http to loopback, only with DOCKET_WEBHOOK_ALLOW_HTTP_LOOPBACK=1.
  ["loopback", "http://127.0.0.1:8080/hook", "accept", "http://127.0.0.1:8080/hook"],
  ["loopback", "http://[::1]:8080/hook", "accept", "http://[::1]:8080/hook"],
  ["loopback", "http://2130706433:8080/hook", "accept", "http://127.0.0.1:8080/hook"],
  ["loopback", "http://loop.platform.test:8080/hook", "accept"],
  ["loopback", "https://127.0.0.1:8443/hook", "accept"],
  ["loopback", "http://hooks.platform.test/hook", "refuse", /only to a loopback/],
  ["loopback", `http://${PUBLIC_V4}/hook`, "refuse", /only to a loopback/],
  ["loopback", "http://10.0.0.5/hook", "refuse", /only to a loopback/],
  ["loopback", "https://10.0.0.5/hook", "refuse", /private/],
  ["loopback", "http://localhost:8080/hook", "refuse", /internal name/],
  ["loopback", "http://169.254.169.254/", "refuse", /only to a loopback/],
  ["loopback", "http://mixed.platform.test/", "refuse", /only to a loopback/],
  // The allow-list: names exactly, ranges by CIDR.
  ["allow", "https://hooks.partner.internal/docket", "accept"],
  ["allow", "https://named.partner.test/docket", "accept"],
  ["allow", "https://10.20.3.4/docket", "accept"],
  ["allow", "https://[::ffff:10.20.3.4]/docket", "accept"],
  ["allow", "https://ranged.partner.test/docket", "accept"],
  ["allow", "https://10.21.0.1/docket", "refuse", /private/],
  ["allow", "https://private.platform.test/", "refuse", /private/],
  ["allow", "https://other.partner.internal/", "refuse", /internal name/],
  ["allow", "https://169.254.169.254/", "refuse", /link-local/],
];

let dns: RunningDns;
const checkers = new Map<Settings, (raw: string) => Promise<{ ok: true; url: string } | { ok: false; message: string }>>();

/** The URL check as a process started with these settings has it (configuration is read once, at start). */
async function checkerWith(vars: Record<string, string>) {
  const saved = { ...process.env };
  Object.assign(process.env, vars);
  vi.resetModules();
  try {
    return (await import("~/modules/webhooks/url.server.ts")).checkWebhookUrl;
  } finally {
    process.env = saved;
  }
}

beforeAll(async () => {
  dns = await startDnsServer(DNS_TABLE);
  const base = {
    DOCKET_WEBHOOK_DNS_SERVERS: dns.address,
    DOCKET_WEBHOOK_ALLOW_HTTP_LOOPBACK: "0",
    DOCKET_WEBHOOK_ALLOWED_HOSTS: "",
    DOCKET_WEBHOOK_TIMEOUT_MS: "2000",
  };
  checkers.set("default", await checkerWith(base));
  checkers.set("loopback", await checkerWith({ ...base, DOCKET_WEBHOOK_ALLOW_HTTP_LOOPBACK: "1" }));
  checkers.set("allow", await checkerWith({ ...base, DOCKET_WEBHOOK_ALLOWED_HOSTS: "hooks.partner.internal, named.partner.test 10.20.0.0/16" }));
});
afterAll(() => dns?.close());

describe("webhook URL validation", () => {
  it.each(ROWS)("%s: %s → %s", async (settings, raw, expected, detail) => {
    const result = await checkers.get(settings)!(raw);
    if (expected === "accept") {
      expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
      if (typeof detail === "string" && result.ok) expect(result.url).toBe(detail);
    } else {
      expect(result, JSON.stringify(result)).toMatchObject({ ok: false });
      if (detail && !result.ok) expect(result.message).toMatch(detail);
    }
  });

  it("a name's refusal never repeats the addresses it resolved to, so a platform cannot map Docket's network through it", async () => {
    for (const [name, addresses] of Object.entries(DNS_TABLE)) {
      const result = await checkers.get("default")!(`https://${name}/`);
      if (result.ok) continue;
      for (const address of addresses) expect(result.message, name).not.toContain(address);
    }
  });

  it("the test DNS server answers as real DNS does, so the rows above went through resolution", async () => {
    const { Resolver } = await import("node:dns/promises");
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([dns.address]);
    expect(await resolver.resolve4("mixed.platform.test")).toEqual([PUBLIC_V4, "192.168.0.7"]);
    expect(await resolver.resolve6("ec2-v6.platform.test")).toEqual(["fd00:ec2::254"]);
    await expect(resolver.resolve4("nowhere.platform.test")).rejects.toMatchObject({ code: "ENOTFOUND" });
  });
});
