import { z } from "zod";

// Configuration is read and validated once; everything else imports `env`.
const schema = z.object({
  // Anything but "development" hides error details from responses; an unset value must not reveal them.
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  DATABASE_URL: z
    .string()
    .default("file:./data/docket.db")
    .refine((v) => v.startsWith("file:") || /^postgres(ql)?:\/\//.test(v), {
      message: "DATABASE_URL must be a file: path (SQLite) or a postgresql:// URL",
    }),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("127.0.0.1"),
  // Set when Docket is served over HTTPS (directly or behind a TLS-terminating proxy):
  // it makes session cookies Secure. Plain-HTTP local runs must leave it off or logins cannot stick.
  DOCKET_HTTPS: z
    .enum(["0", "1", "true", "false"])
    .default("0")
    .transform((v) => v === "1" || v === "true"),
  // Set behind a reverse proxy: client addresses (which the sign-in throttle counts per address)
  // are then read from X-Forwarded-For. Off, that header is ignored, since anyone can send it.
  DOCKET_TRUST_PROXY: z
    .enum(["0", "1", "true", "false"])
    .default("0")
    .transform((v) => v === "1" || v === "true"),
  // Origins allowed to send state-changing requests besides the request's own host.
  DOCKET_ALLOWED_ORIGINS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  // Origins the moderators' browsers may load media under review from (a platform's media proxy);
  // by default only Docket's own origin, so hostile URLs are never contacted.
  DOCKET_MEDIA_ORIGINS: z
    .string()
    .default("")
    .transform((v) => v.split(/[\s,]+/).filter(Boolean)),
  DOCKET_SESSION_DAYS: z.coerce.number().positive().default(7),
  DOCKET_MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_000_000),
  DOCKET_MAX_BATCH_BODY_BYTES: z.coerce.number().int().positive().default(8_000_000),
  DOCKET_DEMO: z
    .enum(["0", "1", "true", "false"])
    .default("0")
    .transform((v) => v === "1" || v === "true"),
  DOCKET_DEMO_API_KEY: z.string().min(8).default("docket-demo-key"),
  // Lets `npm run create-admin` run unattended; otherwise it asks on the terminal.
  DOCKET_ADMIN_PASSWORD: z.string().optional(),
  DOCKET_LOGIN_MAX_PER_ACCOUNT: z.coerce.number().int().positive().default(5),
  DOCKET_LOGIN_MAX_PER_ADDRESS: z.coerce.number().int().positive().default(20),
  DOCKET_LOGIN_WINDOW_SECONDS: z.coerce.number().int().positive().default(900),
  DOCKET_API_MAX_PER_MINUTE: z.coerce.number().int().positive().default(600),
  DOCKET_LEASE_SECONDS: z.coerce.number().int().positive().default(600),
  // Hours from receipt to deadline per source; removal orders are fixed at one hour by law.
  DOCKET_DEADLINE_HOURS_AUTHORITY_REFERRAL: z.coerce.number().positive().default(24),
  DOCKET_DEADLINE_HOURS_TRUSTED_FLAGGER: z.coerce.number().positive().default(24),
  DOCKET_DEADLINE_HOURS_USER_REPORT: z.coerce.number().positive().default(72),
  DOCKET_DEADLINE_HOURS_AUTOMATED: z.coerce.number().positive().optional(),
  // Appeals: how long after a decision one may be lodged (DSA Art. 20(1): at least six months), and
  // hours to answer one where its queue sets none (TCO Art. 10(2): two weeks for removal orders).
  DOCKET_APPEAL_WINDOW_MONTHS: z.coerce
    .number()
    .int()
    .min(6, "DOCKET_APPEAL_WINDOW_MONTHS: the DSA (Art. 20(1)) keeps appeals open for at least six months.")
    .max(120)
    .default(6),
  DOCKET_APPEAL_DEADLINE_HOURS: z.coerce.number().positive().max(8760).default(336),
  // How alike (estimated Jaccard index of word shingles) a new item must be to a cluster's member to
  // join it; see docs/decisions/038-near-duplicate-clusters.md for the measured curve.
  DOCKET_CLUSTER_THRESHOLD: z.coerce.number().min(0.2).max(1).default(0.45),
  // Off, intake neither fingerprints new items nor probes the band index: each new item gets a
  // cluster of its own. For an installation that does not want near-duplicate grouping, and for
  // measuring what clustering costs intake (bench/clusters-intake.ts).
  DOCKET_CLUSTERING: z
    .enum(["0", "1", "true", "false"])
    .default("1")
    .transform((v) => v === "1" || v === "true"),
  // Webhooks (docs/decisions/042-webhook-delivery.md). The key that encrypts endpoints' signing
  // secrets: 32 bytes as 64 hex digits or base64. Unset, a key is made once in DOCKET_WEBHOOK_KEY_FILE;
  // processes on several machines must share one key through this variable.
  DOCKET_WEBHOOK_KEY: z
    .string()
    .optional()
    .refine((v) => v === undefined || /^[0-9a-fA-F]{64}$/.test(v) || Buffer.from(v, "base64").length === 32, {
      message: "DOCKET_WEBHOOK_KEY must be 32 bytes, as 64 hex digits or base64.",
    }),
  DOCKET_WEBHOOK_KEY_FILE: z.string().default("./data/webhook.key"),
  // Plain-http endpoints, and only on loopback addresses: for development and tests.
  DOCKET_WEBHOOK_ALLOW_HTTP_LOOPBACK: z
    .enum(["0", "1", "true", "false"])
    .default("0")
    .transform((v) => v === "1" || v === "true"),
  // Host names and address ranges (CIDR) an endpoint may reach although they are private, such as a
  // platform's receiver inside the same network. Comma or space separated.
  DOCKET_WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .default("")
    .transform((v) => v.split(/[\s,]+/).filter(Boolean)),
  // DNS servers (address or address:port) webhook host names are resolved with instead of the
  // system's resolver, for installations that must resolve through a known server.
  DOCKET_WEBHOOK_DNS_SERVERS: z
    .string()
    .default("")
    .transform((v) => v.split(/[\s,]+/).filter(Boolean)),
  // Connecting, and then waiting for the answer, each within this; an attempt ends within twice it.
  DOCKET_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  // How long a dispatcher holds a delivery it is sending; longer than an attempt can last.
  DOCKET_WEBHOOK_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  // How often each process looks for events to fan out and deliveries that are due.
  DOCKET_WEBHOOK_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  // Multiplies the retry schedule and the day after which a failing endpoint is disabled; tests
  // shrink it to watch three days of retries in seconds.
  DOCKET_WEBHOOK_TIME_SCALE: z.coerce.number().positive().max(1).default(1),
  // Off, this process sends no webhooks (another process on the same database may).
  DOCKET_WEBHOOKS: z
    .enum(["0", "1", "true", "false"])
    .default("1")
    .transform((v) => v === "1" || v === "true"),
  // How often each process folds new audit events into the report rollups (dashboards also fold
  // what is pending before they read).
  DOCKET_REPORTS_POLL_MS: z.coerce.number().int().min(10).max(600_000).default(5000),
});

export type Env = z.infer<typeof schema>;

function load(): Env {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Docket's configuration is invalid:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

export const env = load();

export const isPostgres = (url = env.DATABASE_URL) => !url.startsWith("file:");
