import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_EDITS, sideOf, tokensOf, wordDiff, type DiffSegment } from "~/modules/clusters/diff.ts";

const changed = (segments: DiffSegment[]) => segments.filter((s) => s.kind !== "same");

describe("wordDiff", () => {
  it("finds nothing between equal texts", () => {
    expect(wordDiff("The fictional group calls a rally.", "The fictional group calls a rally.")).toEqual([
      { kind: "same", text: "The fictional group calls a rally." },
    ]);
  });

  it("marks an added prefix and a tracking link", () => {
    const d = wordDiff("The Northwind Circle calls a rally at noon.", "BREAKING: The Northwind Circle calls a rally at noon. https://example.test/t?id=7");
    expect(changed(d)).toEqual([
      { kind: "added", text: "BREAKING: " },
      { kind: "added", text: " https://example.test/t?id=7" },
    ]);
  });

  it("shows a changed word as removed, then added", () => {
    const d = wordDiff("join the march on Sunday morning", "join the march on Saturday morning");
    expect(d).toEqual([
      { kind: "same", text: "join the march on " },
      { kind: "removed", text: "Sunday" },
      { kind: "added", text: "Saturday" },
      { kind: "same", text: " morning" },
    ]);
  });

  it("marks a cut sentence in the middle as removed", () => {
    const d = wordDiff("one two three. four five six. seven eight nine.", "one two three. seven eight nine.");
    expect(changed(d)).toEqual([{ kind: "removed", text: "four five six. " }]);
  });

  it("handles empty texts on either side", () => {
    expect(wordDiff("", "")).toEqual([]);
    expect(wordDiff("", "new words")).toEqual([{ kind: "added", text: "new words" }]);
    expect(wordDiff("old words", "")).toEqual([{ kind: "removed", text: "old words" }]);
  });

  it("keeps markup as plain text", () => {
    const d = wordDiff("hello world", "hello <script>alert(1)</script> world");
    expect(changed(d)).toEqual([{ kind: "added", text: "<script>alert(1)</script> " }]);
  });

  it("stays bounded on long texts that share nothing: the middle is removed, then added", () => {
    const left = Array.from({ length: 5_000 }, (_, i) => `a${i}`).join(" ");
    const right = Array.from({ length: 5_000 }, (_, i) => `b${i}`).join(" ");
    const started = performance.now();
    const d = wordDiff(`same start ${left} same end`, `same start ${right} same end`);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(d.map((s) => s.kind)).toEqual(["same", "removed", "added", "same"]);
    expect(sideOf(d, "from")).toBe(`same start ${left} same end`);
  });

  it("aligns many scattered edits up to the bound", () => {
    const words = Array.from({ length: 2_000 }, (_, i) => `w${i}`);
    const edited = words.map((w, i) => (i % 20 === 0 ? `x${i}` : w));
    const d = wordDiff(words.join(" "), edited.join(" "));
    expect(changed(d).filter((s) => s.kind === "added")).toHaveLength(100);
    expect(100 * 2).toBeLessThanOrEqual(MAX_EDITS);
  });
});

describe("wordDiff property", () => {
  const word = fc.constantFrom("the", "group", "rally", "BREAKING:", "noon", "a", "link", "<b>", "&amp;", "é", "\u200b");
  const space = fc.constantFrom(" ", "  ", "\n", "\t");
  const text = fc.array(fc.oneof(word, space), { maxLength: 40 }).map((parts) => parts.join(""));
  const related = text.chain((base) =>
    fc.tuple(
      fc.constant(base),
      fc.array(fc.tuple(fc.nat(), fc.oneof(word, fc.constant("")), fc.boolean()), { maxLength: 6 }).map((edits) => {
        const tokens = tokensOf(base);
        for (const [at, w, insert] of edits) {
          const i = tokens.length ? at % tokens.length : 0;
          if (insert) tokens.splice(i, 0, w, " ");
          else tokens.splice(i, 1, w);
        }
        return tokens.join("");
      }),
    ),
  );

  it("applying the segments gives back both texts, and neighbours differ in kind", () => {
    fc.assert(
      fc.property(fc.oneof(related, fc.tuple(text, text), fc.tuple(fc.string(), fc.string())), ([from, to]) => {
        const d = wordDiff(from, to);
        expect(sideOf(d, "from")).toBe(from);
        expect(sideOf(d, "to")).toBe(to);
        for (let i = 1; i < d.length; i++) expect(d[i]!.kind).not.toBe(d[i - 1]!.kind);
        for (const s of d) expect(s.text).not.toBe("");
        if (from === to) expect(changed(d)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});
