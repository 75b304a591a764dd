import { randomUUID } from "node:crypto";
import { Client } from "./http.ts";
import { PASSWORD } from "./fixtures.ts";
import { rawFlag } from "./queue-fixtures.ts";

/**
 * A write the server acknowledged: it answered with success, so the write must have been committed.
 * `claim.fresh` says the reviewer held nothing before, so the claim wrote a new lease (and its audit
 * event); after a crash a reviewer may be handed back the item it already held.
 */
export type Ack =
  | { kind: "login"; userId: string }
  | { kind: "login_failed"; email: string }
  | { kind: "logout"; userId: string }
  | { kind: "claim"; userId: string; itemId: string; fresh: boolean }
  | { kind: "release"; userId: string; itemId: string; claimId: string }
  | { kind: "skip"; userId: string; itemId: string; claimId: string }
  | { kind: "decision"; userId: string; itemId: string; claimId: string; action: string }
  | { kind: "flag"; flagId: string; itemId: string };

/** The audit event each acknowledged write records. */
export function auditActionOf(ack: Ack): string | null {
  switch (ack.kind) {
    case "login":
      return "auth.logged_in";
    case "login_failed":
      return "auth.login_failed";
    case "logout":
      return "auth.logged_out";
    case "claim":
      return ack.fresh ? "item.claimed" : null;
    case "release":
      return "claim.released";
    case "skip":
      return "claim.skipped";
    case "decision":
      return "decision.made";
    case "flag":
      return "flag.received";
  }
}

/**
 * What the load saw: every acknowledged write, and every answer nobody should get (a 500, a refused
 * form, a connection error while the server was meant to be up).
 */
export class Ledger {
  acks: Ack[] = [];
  unexpected: string[] = [];
  inFlight = 0;
  /** Called with each acknowledgement as it arrives, so a test can act at that very moment. */
  onAck?: (a: Ack) => void;

  ack(a: Ack) {
    this.acks.push(a);
    this.onAck?.(a);
  }

  /** Counts of the audit events the acknowledged writes recorded, by action. */
  expectedEvents(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const a of this.acks) {
      const action = auditActionOf(a);
      if (action) counts[action] = (counts[action] ?? 0) + 1;
    }
    return counts;
  }

  of<K extends Ack["kind"]>(kind: K): Extract<Ack, { kind: K }>[] {
    return this.acks.filter((a): a is Extract<Ack, { kind: K }> => a.kind === kind);
  }
}

/** The load's bases to send to: one server, or several behind an imaginary balancer. */
export type Servers = { urls: string[] };

// A connection per request: a kept-alive socket the server closes as idle just when the next request
// goes out fails that request (ECONNRESET), which on a busy machine would pass for a server fault.
const ONE_SHOT = { headers: { Connection: "close" } };

const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)];

/** A deliberate failure of the load itself, as opposed to the server going away. */
class UnexpectedAnswer extends Error {}

async function expectStatus(res: Response, wanted: number[], what: string) {
  if (!wanted.includes(res.status)) {
    const body = await res.text().catch(() => "");
    throw new UnexpectedAnswer(`${what}: ${res.status} ${body.slice(0, 300)}`);
  }
}

/** What a reviewer does with the items it takes, in turn: mostly decides, now and then releases or skips. */
const WORK_CYCLE = ["decide", "decide", "decide", "release", "decide", "decide", "decide", "skip", "decide", "decide"] as const;

export type DecisionLabels = { keep: string; remove: string; restrict: string };

/**
 * One moderator at the console, as a browser without JavaScript drives it: signs in through the login
 * form, presses Next item, reads the review page for the lease, and decides, releases or skips with
 * the page's form posts. Every request may go to any of the servers (sessions live in the database).
 */
export class Reviewer {
  cookie = "";
  /** Where in WORK_CYCLE this reviewer is; each starts somewhere else. */
  private turn = Math.floor(Math.random() * WORK_CYCLE.length);
  /** The item this reviewer holds; undefined when unknown (after a crash). */
  holding: string | null | undefined = null;

  constructor(
    readonly user: { id: string; email: string },
    readonly servers: Servers,
    readonly labels: DecisionLabels,
    readonly ledger: Ledger,
  ) {}

  private async send(path: string, form?: Record<string, string | string[]>) {
    const client = new Client(pick(this.servers.urls));
    client.cookie = this.cookie;
    this.ledger.inFlight++;
    try {
      const res = form ? await client.post(path, form, ONE_SHOT) : await client.get(path, ONE_SHOT);
      this.cookie = client.cookie;
      return res;
    } finally {
      this.ledger.inFlight--;
    }
  }

  async login() {
    const res = await this.send("/login", { email: this.user.email, password: PASSWORD });
    await expectStatus(res, [302], `login as ${this.user.email}`);
    this.ledger.ack({ kind: "login", userId: this.user.id });
  }

  async logout() {
    const res = await this.send("/logout", {});
    await expectStatus(res, [302], `logout of ${this.user.email}`);
    this.ledger.ack({ kind: "logout", userId: this.user.id });
  }

  /** Reads where a post sent the reviewer: the next held item, or a queue page. */
  private follow(location: string) {
    const m = /^\/review\/([^?]+)/.exec(location);
    if (m) this.ledger.ack({ kind: "claim", userId: this.user.id, itemId: m[1], fresh: true });
    this.holding = m ? m[1] : null;
  }

  /** One unit of work: take an item when holding none, otherwise decide (mostly), release or skip it. */
  async step() {
    if (!this.holding) {
      const fresh = this.holding === null;
      const res = await this.send("/queue", { intent: "next" });
      await expectStatus(res, [302], "Next item");
      const location = res.headers.get("location") ?? "";
      const m = /^\/review\/([^?]+)$/.exec(location);
      if (!m) {
        if (!location.startsWith("/queue?notice=empty")) throw new UnexpectedAnswer(`Next item sent ${this.user.email} to ${location}`);
        this.holding = null;
        await new Promise((r) => setTimeout(r, 50));
        return;
      }
      this.ledger.ack({ kind: "claim", userId: this.user.id, itemId: m[1], fresh });
      this.holding = m[1];
    }
    const itemId = this.holding;
    const page = await this.send(`/review/${itemId}`);
    await expectStatus(page, [200], `review page of ${itemId}`);
    const claimId = /name="claimId" value="([^"]+)"/.exec(await page.text())?.[1];
    if (!claimId) throw new UnexpectedAnswer(`the review page of ${itemId} offers ${this.user.email} no lease`);
    const next = WORK_CYCLE[this.turn++ % WORK_CYCLE.length];
    if (next === "decide") {
      const action = pick(["keep", "remove", "restrict"] as const);
      const res = await this.send(`/review/${itemId}`, {
        intent: "decide",
        claimId,
        action,
        labelIds: [this.labels[action]],
        rationale: "Synthetic review note for a fictional post.",
      });
      await expectStatus(res, [302], `decision on ${itemId}`);
      this.ledger.ack({ kind: "decision", userId: this.user.id, itemId, claimId, action });
      this.follow(res.headers.get("location") ?? "");
    } else if (next === "release") {
      const res = await this.send(`/review/${itemId}`, { intent: "release", claimId, reason: "Shift handover" });
      await expectStatus(res, [302], `release of ${itemId}`);
      this.ledger.ack({ kind: "release", userId: this.user.id, itemId, claimId });
      this.holding = null;
    } else {
      const res = await this.send(`/review/${itemId}`, { intent: "skip", claimId, reason: "Needs more context than I have" });
      await expectStatus(res, [302], `skip of ${itemId}`);
      this.ledger.ack({ kind: "skip", userId: this.user.id, itemId, claimId });
      this.follow(res.headers.get("location") ?? "");
    }
  }
}

/**
 * A platform sending single flags with its API key: most about new posts, some adding a flag to a
 * post it reported before (the item gets a second flag).
 */
export class FlagSender {
  private sent: string[] = [];

  constructor(
    readonly token: string,
    readonly servers: Servers,
    readonly ledger: Ledger,
    /** A pause after each flag, for a platform that trickles rather than floods. */
    readonly pauseMs = 0,
  ) {}

  async step() {
    const earlier = this.sent.length > 0 && Math.random() < 0.3 ? pick(this.sent) : undefined;
    const body = rawFlag({
      content: earlier ? { externalId: earlier } : {},
      flag: { externalId: `flag-${randomUUID()}` },
    });
    this.ledger.inFlight++;
    let res: Response;
    try {
      res = await fetch(`${pick(this.servers.urls)}/api/v1/flags`, {
        method: "POST",
        headers: { ...ONE_SHOT.headers, Authorization: `Bearer ${this.token}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    } finally {
      this.ledger.inFlight--;
    }
    await expectStatus(res, [201], "flag");
    const { flagId, itemId } = (await res.json()) as { flagId: string; itemId: string };
    this.ledger.ack({ kind: "flag", flagId, itemId });
    if (!earlier) this.sent.push(body.content.externalId as string);
    if (this.pauseMs) await new Promise((r) => setTimeout(r, Math.random() * 2 * this.pauseMs));
  }
}

/** Someone mistyping a password: each attempt is refused and recorded. */
export class FailedLogins {
  constructor(
    readonly servers: Servers,
    readonly ledger: Ledger,
  ) {}

  async step() {
    const email = `nobody-${randomUUID().slice(0, 8)}@example.test`;
    const client = new Client(pick(this.servers.urls));
    const res = await client.post("/login", { email, password: "not the password" }, ONE_SHOT);
    await expectStatus(res, [401], `failed login as ${email}`);
    this.ledger.ack({ kind: "login_failed", email });
    await new Promise((r) => setTimeout(r, 30));
  }
}

/**
 * Runs each worker's step in a loop until `stop()` says so. An error once `killed()` says the server
 * was killed (under a request) ends that worker quietly; any other error is recorded as unexpected
 * and ends it.
 */
export async function runLoad(workers: { step: () => Promise<void> }[], ledger: Ledger, when: { stop: () => boolean; killed?: () => boolean }) {
  await Promise.all(
    workers.map(async (w) => {
      while (!when.stop()) {
        try {
          await w.step();
        } catch (error) {
          if (when.killed?.() && !(error instanceof UnexpectedAnswer)) return;
          ledger.unexpected.push(error instanceof Error ? `${error.message}${error.cause ? ` (${String(error.cause)})` : ""}` : String(error));
          return;
        }
      }
    }),
  );
}
