import { describe, expect, it } from "vitest";
import { newId } from "~/modules/ids.ts";

describe("time-ordered ids", () => {
  it("are UUIDv7: version 7, RFC 9562 variant, the creation millisecond in the first 48 bits", () => {
    const at = Date.UTC(2026, 11, 1, 12, 0, 0, 123);
    const id = newId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBe(at);
  });

  it("made one after another, in one millisecond or across several, sort in the order they were made", () => {
    const ids: string[] = [];
    const start = Date.now();
    for (let i = 0; i < 3000; i++) ids.push(newId(start + Math.floor(i / 1000)));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
