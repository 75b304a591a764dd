// A platform's webhook receiver: a real HTTP server on 127.0.0.1 that verifies every delivery with
// the Standard Webhooks library, as a platform would, and records what arrived and how many copies
// of each webhook-id were being received at the same moment.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

/** How the receiver answers: 200, 500, never (the sender times out), a redirect, or 200 after a pause. */
export type Behaviour = "ok" | "fail" | "hang" | "redirect" | { slowMs: number } | { failFirst: number; slowMs?: number } | { answer: Buffer };

export type Received = {
  path: string;
  id: string;
  type: string;
  data: Record<string, unknown>;
  /** The webhook-timestamp header, in seconds. */
  timestamp: number;
  arrivedAt: number;
  body: string;
  headers: Record<string, string>;
  /** Copies of this webhook-id being received when this one arrived, itself included. */
  concurrent: number;
};

export type Rejected = { path: string; id: string | undefined; reason: string };

type Endpoint = { secret: string; behaviour: Behaviour; seen: Map<string, number> };

export class WebhookReceiver {
  readonly received: Received[] = [];
  readonly rejected: Rejected[] = [];
  /** Requests to the place a redirect points to: a sender that follows redirects shows up here. */
  readonly followed: string[] = [];
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly inFlight = new Map<string, number>();
  private server: Server | null = null;
  private base = "";
  maxConcurrent = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop() {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
    this.server = null;
  }

  /** Listens at /<name> for deliveries signed with `secret`; answers URL. */
  endpoint(name: string, secret: string, behaviour: Behaviour = "ok"): string {
    this.endpoints.set(`/${name}`, { secret, behaviour, seen: new Map() });
    return `${this.base}/${name}`;
  }

  behave(name: string, behaviour: Behaviour) {
    this.endpoints.get(`/${name}`)!.behaviour = behaviour;
  }

  at(name: string): Received[] {
    return this.received.filter((r) => r.path === `/${name}`);
  }

  /** Sends a captured delivery again, as an attacker who recorded it would; answers the status. */
  async replay(delivery: Pick<Received, "path" | "body" | "headers">, headers: Record<string, string> = {}): Promise<number> {
    const res = await fetch(this.base + delivery.path, { method: "POST", headers: { ...delivery.headers, ...headers }, body: delivery.body });
    await res.text();
    return res.status;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const path = req.url ?? "/";
    const endpoint = this.endpoints.get(path);
    if (!endpoint) {
      this.followed.push(path);
      res.writeHead(404).end();
      return;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const id = headers["webhook-id"];
    let payload: { type: string; data: Record<string, unknown> };
    try {
      payload = new Webhook(endpoint.secret).verify(body, headers) as typeof payload;
    } catch (e) {
      this.rejected.push({ path, id, reason: (e as Error).message });
      res.writeHead(401, { "content-type": "text/plain" }).end("signature refused");
      return;
    }
    const concurrent = (this.inFlight.get(id) ?? 0) + 1;
    this.inFlight.set(id, concurrent);
    this.maxConcurrent = Math.max(this.maxConcurrent, concurrent);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      this.inFlight.set(id, this.inFlight.get(id)! - 1);
    };
    res.on("close", end);
    this.received.push({
      path,
      id,
      type: payload.type,
      data: payload.data,
      timestamp: Number(headers["webhook-timestamp"]),
      arrivedAt: Date.now(),
      body,
      headers,
      concurrent,
    });
    const seen = (endpoint.seen.get(id) ?? 0) + 1;
    endpoint.seen.set(id, seen);
    const b = endpoint.behaviour;
    if (b === "hang") return;
    if (b === "fail") {
      res.writeHead(500, { "content-type": "text/plain" }).end("Fictional receiver failure: the platform is down for maintenance.");
      return;
    }
    if (b === "redirect") {
      res.writeHead(302, { location: `${this.base}/elsewhere` }).end("moved");
      return;
    }
    if (typeof b === "object" && "answer" in b) {
      res.writeHead(200, { "content-type": "application/octet-stream" }).end(b.answer);
      return;
    }
    if (typeof b === "object") {
      if (b.slowMs) await new Promise((r) => setTimeout(r, b.slowMs));
      if ("failFirst" in b && seen <= b.failFirst) {
        res.writeHead(500).end("not yet");
        return;
      }
    }
    res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  }
}
