// One HTTP attempt of a webhook delivery. The address is checked when the connection is made (the
// request's own lookup goes through allowedAddresses), so a name that resolved to a public address
// at registration and to a private one now is refused now. Nothing here follows a redirect, waits
// past its timeouts, or reads more of an answer than an excerpt needs.
import http from "node:http";
import https from "node:https";
import type { LookupAddress } from "node:dns";
import { isIP } from "node:net";
import { env } from "~/env.server.ts";
import { AddressRefused, allowedAddresses, bareHost } from "./resolve.server.ts";

export type AttemptOutcome = "delivered" | "http_error" | "redirect" | "timeout" | "connect_error" | "address_refused";

export type AttemptResult = {
  outcome: AttemptOutcome;
  statusCode: number | null;
  durationMs: number;
  responseExcerpt: string;
  error: string | null;
};

export type AttemptRequest = {
  url: string;
  body: string;
  headers: Record<string, string>;
  /** Connecting may take this long, and then each wait for the answer; the whole attempt at most twice it. */
  timeoutMs: number;
};

export const USER_AGENT = "Docket-Webhooks/1";
/** At most this much of an answer is read; the rest is not Docket's business. */
export const MAX_RESPONSE_BYTES = 64 * 1024;
export const EXCERPT_CHARS = 512;

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A lookup for http.request that answers only addresses Docket may reach, resolved at this moment;
 * for plain http, only loopback ones.
 */
const checkedLookup = (loopbackOnly: boolean) => (hostname: string, options: { all?: boolean }, callback: LookupCallback) => {
  allowedAddresses(hostname, { loopbackOnly }).then(
    (addresses) => {
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    },
    (error: Error) => callback(error as NodeJS.ErrnoException, ""),
  );
};

/** Stored text cannot hold NUL on PostgreSQL, and an answer's bytes are the receiver's to choose. */
const storable = (text: string) => text.replaceAll("\u0000", "\uFFFD");

class AttemptTimeout extends Error {
  constructor(readonly phase: string) {
    super(phase);
    this.name = "AttemptTimeout";
  }
}

/** Sends one attempt and says how it went; never throws. */
export async function sendAttempt(req: AttemptRequest): Promise<AttemptResult> {
  const started = Date.now();
  const done = (r: Omit<AttemptResult, "durationMs">): AttemptResult => ({ ...r, durationMs: Date.now() - started });
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return done({ outcome: "address_refused", statusCode: null, responseExcerpt: "", error: "The endpoint's URL does not parse." });
  }
  const plainHttp = url.protocol === "http:";
  if (url.protocol !== "https:" && !plainHttp) {
    return done({ outcome: "address_refused", statusCode: null, responseExcerpt: "", error: `Docket does not send webhooks over ${url.protocol}` });
  }
  if (plainHttp && !env.DOCKET_WEBHOOK_ALLOW_HTTP_LOOPBACK) {
    return done({
      outcome: "address_refused",
      statusCode: null,
      responseExcerpt: "",
      error: "Plain http is not allowed (DOCKET_WEBHOOK_ALLOW_HTTP_LOOPBACK is off).",
    });
  }
  // A literal address is connected to without any lookup, so it is checked here.
  if (isIP(bareHost(url.hostname))) {
    try {
      await allowedAddresses(url.hostname, { loopbackOnly: plainHttp });
    } catch (e) {
      return done({ outcome: "address_refused", statusCode: null, responseExcerpt: "", error: (e as Error).message });
    }
  }
  const result = await new Promise<Omit<AttemptResult, "durationMs">>((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    let settled = false;
    const finish = (r: Omit<AttemptResult, "durationMs">) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      resolve(r);
    };
    const client = url.protocol === "https:" ? https : http;
    const request = client.request(url, {
      method: "POST",
      headers: {
        ...req.headers,
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "content-length": String(Buffer.byteLength(req.body)),
      },
      lookup: checkedLookup(plainHttp) as never,
      agent: false,
    });
    const abort = (phase: string) => request.destroy(new AttemptTimeout(phase));
    timers.push(setTimeout(() => abort("connecting"), req.timeoutMs));
    timers.push(setTimeout(() => abort("the whole attempt"), 2 * req.timeoutMs));
    request.on("socket", (socket) => {
      socket.once(url.protocol === "https:" ? "secureConnect" : "connect", () => {
        clearTimeout(timers[0]);
        // From here each wait for the next part of the answer has the read timeout.
        request.setTimeout(req.timeoutMs, () => abort("waiting for the answer"));
      });
    });
    request.on("error", (error) => {
      if (error instanceof AttemptTimeout) {
        finish({ outcome: "timeout", statusCode: null, responseExcerpt: "", error: `Timed out ${error.phase} (${req.timeoutMs} ms).` });
      } else if (error instanceof AddressRefused || error.name === "AddressRefused") {
        finish({ outcome: "address_refused", statusCode: null, responseExcerpt: "", error: error.message });
      } else {
        const code = (error as NodeJS.ErrnoException).code;
        finish({ outcome: "connect_error", statusCode: null, responseExcerpt: "", error: code ? `${code}: ${error.message}` : error.message });
      }
    });
    request.on("response", (response) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const answered = () => {
        const text = Buffer.concat(chunks).toString("utf8").slice(0, EXCERPT_CHARS);
        const outcome: AttemptOutcome = status >= 200 && status < 300 ? "delivered" : status >= 300 && status < 400 ? "redirect" : "http_error";
        const location = outcome === "redirect" ? response.headers.location : undefined;
        const error =
          outcome === "delivered"
            ? null
            : outcome === "redirect"
              ? `Redirected${location ? ` to ${location}` : ""}; redirects are not followed.`
              : `HTTP ${status}`;
        finish({ outcome, statusCode: status, responseExcerpt: storable(text), error: error && storable(error) });
        response.destroy();
      };
      response.on("data", (chunk: Buffer) => {
        if (size >= MAX_RESPONSE_BYTES) return;
        chunks.push(chunk.subarray(0, MAX_RESPONSE_BYTES - size));
        size += chunk.length;
        if (size >= MAX_RESPONSE_BYTES) answered();
      });
      response.on("end", answered);
      response.on("error", (error) => {
        if (error instanceof AttemptTimeout) answered();
      });
      response.on("close", () => {
        // The answer's status came; a body cut short (a timeout, the peer closing) is still an answer.
        if (!settled) answered();
      });
    });
    request.end(req.body);
  });
  return done(result);
}
