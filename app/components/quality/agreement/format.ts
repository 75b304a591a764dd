import { GAP_WORDS, type KappaGap } from "~/modules/quality/agreement.ts";

/** A kappa as loader data delivers it: the figures, or null with the reason there are none. */
export type KappaFigures = { n: number; kappa: number | null; ciLow: number | null; ciHigh: number | null; gap: KappaGap | null };

export const fixed3 = (x: number) => x.toFixed(3);

export function kappaText(k: KappaFigures): string {
  return k.kappa === null ? "—" : fixed3(k.kappa);
}

export function ciText(k: KappaFigures): string {
  return k.ciLow === null || k.ciHigh === null ? "—" : `${fixed3(k.ciLow)} to ${fixed3(k.ciHigh)}`;
}

/** Why a kappa is missing, in words; empty when it is there. */
export function gapText(k: KappaFigures): string {
  return k.gap ? GAP_WORDS[k.gap] : "";
}

export const day = (iso: string) => iso.slice(0, 10);
