// The agreement statistics against published worked examples (to three decimals), their
// degenerate cases, the confusion matrix's counting rule, and properties that hold for any table.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  actionKappa,
  cohensKappa,
  contingency,
  guidanceNeedsWork,
  labelConfusion,
  labelKappa,
  monthOf,
  NO_LABEL,
  type Kappa,
  type RatedPair,
} from "~/modules/quality/agreement.ts";

const three = (x: number | null) => (x === null ? null : Number(x.toFixed(3)));
const figures = (k: Kappa) => ({ kappa: three(k.kappa), se: three(k.se), ciLow: three(k.ciLow), ciHigh: three(k.ciHigh) });

describe("Cohen's kappa against published worked examples", () => {
  it("Fleiss, Levin & Paik (2003), ch. 18: 100 subjects, psychological / neurological / organic", () => {
    // Statistical Methods for Rates and Proportions, 3rd ed., Table 18.1 (proportions ×100).
    // Published: po = 0.89, pe = 0.66, kappa = 0.676. The chapter's large-sample standard error
    // (Fleiss, Cohen & Everitt 1969, eq. 18.12), computed by hand from the table: 0.0877, so the
    // 95% interval 0.676 ± 1.96 × 0.0877 is 0.505 to 0.848.
    const k = cohensKappa([
      [75, 1, 4],
      [5, 4, 1],
      [0, 0, 10],
    ]);
    expect(k.n).toBe(100);
    expect(three(k.observed)).toBe(0.89);
    expect(three(k.chance)).toBe(0.66);
    expect(figures(k)).toEqual({ kappa: 0.676, se: 0.088, ciLow: 0.505, ciHigh: 0.848 });
  });

  it('Wikipedia, "Cohen\'s kappa": 50 grant proposals, 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no', () => {
    // Published: po = 0.7, pe = 0.5, kappa = 0.4. Standard error by the same formula, by hand:
    // 0.1270, so the interval is 0.151 to 0.649.
    const k = cohensKappa([
      [20, 5],
      [10, 15],
    ]);
    expect(three(k.observed)).toBe(0.7);
    expect(three(k.chance)).toBe(0.5);
    expect(figures(k)).toEqual({ kappa: 0.4, se: 0.127, ciLow: 0.151, ciHigh: 0.649 });
  });
});

describe("degenerate tables", () => {
  it("no pairs: kappa is null with the reason, never NaN", () => {
    const k = cohensKappa([
      [0, 0],
      [0, 0],
    ]);
    expect(k).toMatchObject({ n: 0, kappa: null, se: null, ciLow: null, ciHigh: null, gap: "no_pairs" });
    expect(cohensKappa([])).toMatchObject({ n: 0, kappa: null, gap: "no_pairs" });
  });

  it("every pair in one category by both reviewers (chance agreement 1): kappa is null", () => {
    const k = cohensKappa([
      [0, 0],
      [0, 12],
    ]);
    expect(k).toMatchObject({ n: 12, kappa: null, gap: "one_category", observed: 1, chance: 1 });
  });

  it("one reviewer in a single category: kappa is exactly 0 and its interval has no width", () => {
    const k = cohensKappa([
      [0, 0],
      [1, 23],
    ]);
    expect(k).toMatchObject({ kappa: 0, se: 0, ciLow: 0, ciHigh: 0, gap: null });
  });

  it("the interval is clipped to [-1, 1]", () => {
    const k = cohensKappa([
      [1, 1],
      [1, 21],
    ]);
    expect(three(k.kappa)).toBe(0.455);
    expect(three(k.ciLow)).toBe(-0.182);
    expect(k.ciHigh).toBe(1);
  });

  it("refuses a table that is not square counts", () => {
    expect(() => cohensKappa([[1, 2]])).toThrow(RangeError);
    expect(() => cohensKappa([[-1]])).toThrow(RangeError);
    expect(() => cohensKappa([[0.5]])).toThrow(RangeError);
  });
});

const pair = (a: string, fl: string[], b: string, sl: string[]): RatedPair => ({ first: { action: a, labelKeys: fl }, second: { action: b, labelKeys: sl } });

describe("kappa for the action and per label", () => {
  const pairs: RatedPair[] = [
    ...Array.from({ length: 20 }, () => pair("remove", ["glory"], "remove", ["glory"])),
    ...Array.from({ length: 5 }, () => pair("remove", ["glory"], "keep", ["news"])),
    ...Array.from({ length: 10 }, () => pair("keep", ["news"], "remove", ["glory"])),
    ...Array.from({ length: 15 }, () => pair("keep", ["news"], "keep", ["news"])),
  ];

  it("the action kappa tabulates actions in the order given (the Wikipedia table again)", () => {
    const k = actionKappa(pairs, ["keep", "remove", "restrict"]);
    expect(k.categories).toEqual(["keep", "remove"]);
    expect(k.table).toEqual([
      [15, 10],
      [5, 20],
    ]);
    expect(figures(k)).toEqual({ kappa: 0.4, se: 0.127, ciLow: 0.151, ciHigh: 0.649 });
  });

  it("a label is present or absent in each review; pairs where neither applied it agree on absent", () => {
    const k = labelKappa([...pairs, pair("restrict", ["other"], "restrict", ["other"])], "glory");
    expect(k.table).toEqual([
      [20, 5],
      [10, 16],
    ]);
    expect(k.n).toBe(51);
  });

  it("guidance needs work below 0.6 with at least 20 pairs, not on fewer pairs nor on an undefined kappa", () => {
    expect(
      guidanceNeedsWork(
        cohensKappa(
          contingency(
            pairs.map((p) => [p.first.action, p.second.action] as const),
            ["keep", "remove"],
          ),
        ),
      ),
    ).toBe(true);
    const nineteen = actionKappa([...pairs.slice(0, 8), ...pairs.slice(20, 23), ...pairs.slice(25, 28), ...pairs.slice(35, 40)]);
    expect(nineteen.n).toBe(19);
    expect(nineteen.kappa!).toBeLessThan(0.6);
    expect(guidanceNeedsWork(nineteen)).toBe(false);
    expect(guidanceNeedsWork(actionKappa(Array.from({ length: 30 }, () => pair("keep", [], "keep", []))))).toBe(false);
  });
});

describe("the confusion matrix between labels", () => {
  it("counts shared labels on the diagonal and crosses the unshared ones, with (none) for a side with nothing left", () => {
    const c = labelConfusion(
      [
        pair("remove", ["a"], "remove", ["a"]), // (a,a)
        pair("remove", ["a", "b"], "remove", ["b", "c", "d"]), // (b,b), (a,c), (a,d)
        pair("remove", ["a", "b"], "remove", ["a"]), // (a,a), (b,none)
        pair("keep", [], "remove", ["c"]), // (none,c)
        pair("keep", [], "keep", []), // (none,none)
      ],
      ["d", "c", "b", "a"],
    );
    expect(c.keys).toEqual(["d", "c", "b", "a", NO_LABEL]);
    const cell = (a: string, b: string) => c.cells[c.keys.indexOf(a)][c.keys.indexOf(b)];
    expect(cell("a", "a")).toBe(2);
    expect(cell("b", "b")).toBe(1);
    expect(cell("a", "c")).toBe(1);
    expect(cell("a", "d")).toBe(1);
    expect(cell("b", NO_LABEL)).toBe(1);
    expect(cell(NO_LABEL, "c")).toBe(1);
    expect(cell(NO_LABEL, NO_LABEL)).toBe(1);
    expect(c.cells.flat().reduce((a, b) => a + b, 0)).toBe(8);
  });

  it("leaves out the (none) row and column when no pair needed them", () => {
    expect(labelConfusion([pair("remove", ["a"], "remove", ["b"])]).keys).toEqual(["a", "b"]);
  });
});

it("the month of a pair is the UTC month of its second review", () => {
  expect(monthOf(new Date("2025-01-31T23:30:00-02:00"))).toBe("2025-02");
});

describe("properties of kappa for any table", () => {
  const table = fc
    .integer({ min: 2, max: 5 })
    .chain((k) => fc.array(fc.array(fc.nat({ max: 40 }), { minLength: k, maxLength: k }), { minLength: k, maxLength: k }));
  const transpose = (t: number[][]) => t[0].map((_, j) => t.map((r) => r[j]));

  it("is 1 for perfect agreement whenever at least two categories are used", () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 50 }), { minLength: 2, maxLength: 6 }), (diagonal) => {
        fc.pre(diagonal.filter((d) => d > 0).length >= 2);
        const t = diagonal.map((d, i) => diagonal.map((_, j) => (i === j ? d : 0)));
        const k = cohensKappa(t);
        expect(k.kappa).toBe(1);
        expect(k.se).toBe(0);
        expect([k.ciLow, k.ciHigh]).toEqual([1, 1]);
      }),
    );
  });

  it("is the same when the two reviewers are swapped", () => {
    fc.assert(
      fc.property(table, (t) => {
        const a = cohensKappa(t);
        const b = cohensKappa(transpose(t));
        expect(b.kappa).toBe(a.kappa);
        expect(b.gap).toBe(a.gap);
        if (a.se !== null) expect(b.se).toBeCloseTo(a.se, 12);
      }),
    );
  });

  it("has a finite interval within [-1, 1] that contains kappa, or says why there is none", () => {
    fc.assert(
      fc.property(table, (t) => {
        const k = cohensKappa(t);
        if (k.kappa === null) {
          expect(["no_pairs", "one_category"]).toContain(k.gap);
          return;
        }
        for (const v of [k.kappa, k.se, k.ciLow, k.ciHigh]) expect(Number.isFinite(v)).toBe(true);
        expect(k.ciLow).toBeLessThanOrEqual(k.kappa);
        expect(k.kappa).toBeLessThanOrEqual(k.ciHigh);
        expect(k.ciLow).toBeGreaterThanOrEqual(-1);
        expect(k.ciHigh).toBeLessThanOrEqual(1);
      }),
    );
  });
});
