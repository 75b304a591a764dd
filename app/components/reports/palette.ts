// Series colours as Tailwind classes: the CSP allows no inline styles, and fill-*, stroke-* and bg-*
// utilities are stylesheet rules. Colour is never the only cue: every series is named in the legend
// and the table, and lines also differ in their dash pattern.
const FILLS = ["fill-blue-700", "fill-amber-600", "fill-emerald-700", "fill-fuchsia-700", "fill-slate-500", "fill-red-700", "fill-cyan-700", "fill-orange-800"];
const STROKES = [
  "stroke-blue-700",
  "stroke-amber-600",
  "stroke-emerald-700",
  "stroke-fuchsia-700",
  "stroke-slate-500",
  "stroke-red-700",
  "stroke-cyan-700",
  "stroke-orange-800",
];
const SWATCHES = ["bg-blue-700", "bg-amber-600", "bg-emerald-700", "bg-fuchsia-700", "bg-slate-500", "bg-red-700", "bg-cyan-700", "bg-orange-800"];
const DASHES = [undefined, "6 3", "2 3", "8 3 2 3"];

export const fillOf = (i: number) => FILLS[i % FILLS.length];
export const strokeOf = (i: number) => STROKES[i % STROKES.length];
export const swatchOf = (i: number) => SWATCHES[i % SWATCHES.length];
export const dashOf = (i: number) => DASHES[i % DASHES.length];
