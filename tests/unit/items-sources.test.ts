import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { byRank, isSource, SOURCE_NAMES, SOURCE_WEIGHT, SOURCES, sourceRank, strongerSource, strongestOf, type Source } from "~/modules/items/sources.ts";

const source = fc.constantFrom(...SOURCES);

describe("the flag sources", () => {
  it("rank is a total order: removal order, trusted flagger, authority referral, user notice, automated", () => {
    expect([...SOURCES]).toEqual(["removal_order", "trusted_flagger", "authority_referral", "user_report", "automated"]);
    expect(new Set(SOURCES.map(sourceRank)).size).toBe(SOURCES.length);
  });

  it("each source has one name", () => {
    expect(Object.keys(SOURCE_NAMES).sort()).toEqual([...SOURCES].sort());
    expect(SOURCE_NAMES.user_report).toBe("User notice");
    expect(isSource("user_report")).toBe(true);
    expect(isSource("rumour")).toBe(false);
  });

  it("queue weight never rises as the rank falls", () => {
    for (let i = 1; i < SOURCES.length; i++) expect(SOURCE_WEIGHT[SOURCES[i]]).toBeLessThanOrEqual(SOURCE_WEIGHT[SOURCES[i - 1]]);
  });

  it("the strongest source of a set does not depend on the order its flags arrived in", () => {
    fc.assert(
      fc.property(fc.array(source, { minLength: 1, maxLength: 12 }), (list) => {
        const strongest = strongestOf(list)!;
        expect(strongestOf([...list].reverse())).toBe(strongest);
        expect(list.reduce((a, b) => strongerSource(a, b))).toBe(strongest);
        expect(byRank(list)[0]).toBe(strongest);
        for (const s of list) expect(sourceRank(strongest)).toBeLessThanOrEqual(sourceRank(s));
      }),
    );
    expect(strongestOf([])).toBeNull();
  });

  it("a trusted flagger outranks an authority referral whichever came first", () => {
    const both: Source[] = ["authority_referral", "trusted_flagger"];
    expect(strongerSource(both[0], both[1])).toBe("trusted_flagger");
    expect(strongerSource(both[1], both[0])).toBe("trusted_flagger");
  });
});
