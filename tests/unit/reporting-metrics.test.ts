import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { COARSE_BINS, coarseBin, fineBin, medianOfBins } from "~/modules/reporting/metrics.ts";
import { addDays, DashboardRange, ReportPeriod, daysOf, resolveRange, weekSpans, weekStart } from "~/modules/reporting/days.ts";

describe("duration bins", () => {
  it("fine bins are whole minutes under two hours, whole hours under seven days, whole days beyond", () => {
    expect(fineBin(0)).toBe(0);
    expect(fineBin(59.9)).toBe(0);
    expect(fineBin(61)).toBe(60);
    expect(fineBin(7199)).toBe(7140);
    expect(fineBin(7200)).toBe(7200);
    expect(fineBin(3 * 3600 + 1799)).toBe(3 * 3600);
    expect(fineBin(7 * 86_400 + 5 * 3600)).toBe(7 * 86_400);
    expect(fineBin(-5)).toBe(0);
  });

  it("a fine bin never exceeds the duration and falls within its resolution of it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 * 86_400 }), (s) => {
        const bin = fineBin(s);
        const step = s < 7200 ? 60 : s < 604_800 ? 3600 : 86_400;
        expect(bin).toBeLessThanOrEqual(s);
        expect(s - bin).toBeLessThan(step);
        expect(fineBin(bin)).toBe(bin);
      }),
    );
  });

  it("coarse bins cover every duration in order", () => {
    expect(coarseBin(0)).toBe(0);
    expect(coarseBin(299)).toBe(0);
    expect(coarseBin(300)).toBe(1);
    expect(coarseBin(10 * 86_400)).toBe(COARSE_BINS.length - 1);
  });

  it("the median is the lower median of the counted bins", () => {
    expect(medianOfBins([])).toBeNull();
    expect(medianOfBins([[60, 0]])).toBeNull();
    expect(medianOfBins([[120, 1]])).toBe(120);
    // 1, 2, 3, 4 → the 2nd smallest.
    expect(
      medianOfBins([
        [240, 1],
        [60, 1],
        [180, 1],
        [120, 1],
      ]),
    ).toBe(120);
    expect(
      medianOfBins([
        [60, 3],
        [3600, 2],
      ]),
    ).toBe(60);
    expect(
      medianOfBins([
        [60, 2],
        [3600, 3],
      ]),
    ).toBe(3600);
  });

  it("the median of bins equals the median of the values they count", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 * 86_400 }), { minLength: 1, maxLength: 200 }), (values) => {
        const bins = new Map<number, number>();
        for (const v of values) bins.set(fineBin(v), (bins.get(fineBin(v)) ?? 0) + 1);
        const sorted = values.map(fineBin).sort((a, b) => a - b);
        expect(medianOfBins(bins)).toBe(sorted[Math.ceil(sorted.length / 2) - 1]);
      }),
    );
  });
});

describe("report ranges", () => {
  it("a dashboard range is a preset ending today or both dates, never one of them or backwards", () => {
    expect(resolveRange(DashboardRange.parse({}), "2026-12-02")).toEqual({ from: "2026-11-03", to: "2026-12-02" });
    expect(resolveRange(DashboardRange.parse({ days: "7" }), "2026-12-02")).toEqual({ from: "2026-11-26", to: "2026-12-02" });
    expect(resolveRange(DashboardRange.parse({ from: "2026-01-01", to: "2026-01-31" }), "2026-12-02")).toEqual({ from: "2026-01-01", to: "2026-01-31" });
    expect(DashboardRange.safeParse({ from: "2026-01-01" }).success).toBe(false);
    expect(DashboardRange.safeParse({ from: "2026-02-01", to: "2026-01-01" }).success).toBe(false);
    expect(DashboardRange.safeParse({ from: "2026-02-30", to: "2026-03-01" }).success).toBe(false);
    expect(DashboardRange.safeParse({ days: "0" }).success).toBe(false);
    expect(DashboardRange.safeParse({ from: "2020-01-01", to: "2026-01-01" }).success).toBe(false);
    expect(daysOf({ from: "2026-02-27", to: "2026-03-02" })).toEqual(["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"]);
    // The last day of year 9999 has no next day in four digits: such ranges are refused, not looped over.
    expect(DashboardRange.safeParse({ from: "9999-12-01", to: "9999-12-31" }).success).toBe(false);
    expect(DashboardRange.safeParse({ from: "0001-01-01", to: "0001-01-31" }).success).toBe(false);
    expect(daysOf({ from: "9998-12-30", to: "9998-12-31" })).toEqual(["9998-12-30", "9998-12-31"]);
  });

  it("a transparency period is [from, to) on UTC midnights, answered as the days it covers", () => {
    expect(ReportPeriod.parse({ from: "2026-01-01", to: "2026-07-01" })).toEqual({ from: "2026-01-01", to: "2026-06-30" });
    expect(ReportPeriod.parse({ from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00.000Z" })).toEqual({ from: "2026-01-01", to: "2026-01-01" });
    expect(ReportPeriod.parse({ from: "2026-01-01T01:00:00+01:00", to: "2026-01-03" })).toEqual({ from: "2026-01-01", to: "2026-01-02" });
    for (const bad of [
      { from: "2026-01-01T10:00:00Z", to: "2026-02-01" },
      { from: "2026-02-01", to: "2026-01-01" },
      { from: "2026-01-01", to: "2026-01-01" },
      { from: "yesterday", to: "2026-01-01" },
      { from: "2020-01-01", to: "2026-01-01" },
      { to: "2026-01-01" },
      { from: "2026-02-30", to: "2026-03-05" },
      { from: "2026-11-01T00:00:00", to: "2026-12-01T00:00:00Z" },
      { from: "9999-12-01", to: "9999-12-31" },
    ]) {
      expect(ReportPeriod.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("weeks in a range", () => {
  it("a range splits into whole weeks (Monday to Sunday) and the days before and after them", () => {
    // 2026-11-02 is a Monday.
    expect(weekStart("2026-11-08")).toBe("2026-11-02");
    expect(weekStart("2026-11-02")).toBe("2026-11-02");
    expect(weekSpans({ from: "2026-11-02", to: "2026-11-15" })).toEqual({ before: null, weeks: { from: "2026-11-02", to: "2026-11-09" }, after: null });
    expect(weekSpans({ from: "2026-11-04", to: "2026-11-18" })).toEqual({
      before: { from: "2026-11-04", to: "2026-11-08" },
      weeks: { from: "2026-11-09", to: "2026-11-09" },
      after: { from: "2026-11-16", to: "2026-11-18" },
    });
    expect(weekSpans({ from: "2026-11-04", to: "2026-11-10" })).toEqual({ before: { from: "2026-11-04", to: "2026-11-10" }, weeks: null, after: null });
  });

  it("the pieces cover every day of the range once", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 800 }), (offset, length) => {
        const range = { from: addDays("2020-01-01", offset), to: addDays("2020-01-01", offset + length) };
        const { before, weeks, after } = weekSpans(range);
        const covered = [
          ...(before ? daysOf(before) : []),
          ...(weeks
            ? daysOf(weeks)
                .filter((d) => weekStart(d) === d)
                .flatMap((monday) => daysOf({ from: monday, to: addDays(monday, 6) }))
            : []),
          ...(after ? daysOf(after) : []),
        ];
        expect(covered).toEqual(daysOf(range));
      }),
    );
  });
});
