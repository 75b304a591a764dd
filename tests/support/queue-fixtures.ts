import { randomUUID } from "node:crypto";
import { ensureStarterLabelSet } from "~/modules/labels/starter.server.ts";
import { ingestFlags, type IntakeSender } from "~/modules/intake/ingest.server.ts";
import { FlagRequest } from "~/modules/intake/schema.ts";

type RawFlag = { content: Record<string, unknown>; flag: Record<string, unknown> };

export const testSender: IntakeSender = { platform: "test", apiKeyId: null, actor: { kind: "system", name: "test intake" } };

export async function starterLabels() {
  return ensureStarterLabelSet({ kind: "system", name: "test" });
}

/** A flag request about fictional content; override any part. */
export function rawFlag(overrides: { content?: Record<string, unknown>; flag?: Record<string, unknown> } = {}): RawFlag {
  const id = randomUUID().slice(0, 12);
  return {
    content: {
      externalId: `post-${id}`,
      type: "text",
      title: `Report ${id}`,
      body: `A news report about a rally held by the Northern Ember Front (${id}).`,
      language: "en",
      author: { externalId: `u-${id}`, handle: `reporter_${id}` },
      ...overrides.content,
    },
    flag: { source: "user_report", reason: "violent_extremism", ...overrides.flag },
  };
}

/** The same, parsed as intake parses it. */
export function flagRequest(overrides: { content?: Record<string, unknown>; flag?: Record<string, unknown> } = {}): FlagRequest {
  return FlagRequest.parse(rawFlag(overrides));
}

/** Ingests `n` distinct items through the real intake path and returns their ids. */
export async function seedItems(n: number, sender: IntakeSender = testSender, make: (i: number) => FlagRequest = () => flagRequest()) {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 500) {
    const batch = Array.from({ length: Math.min(500, n - i) }, (_, j) => make(i + j));
    const results = await ingestFlags(sender, batch, "batch");
    ids.push(...results.map((r) => r.itemId));
  }
  return ids;
}
