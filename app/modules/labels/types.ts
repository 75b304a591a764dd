import { z } from "zod";
import { SOR_GROUNDS } from "~/modules/audit/statement-of-reasons.ts";

export const LABEL_GROUPS = ["allowed", "violating", "process"] as const;
export type LabelGroup = (typeof LABEL_GROUPS)[number];

export const SorMapping = z.object({
  category: z.string().regex(/^STATEMENT_CATEGORY_[A-Z_]+$/),
  keywords: z.array(z.string().regex(/^KEYWORD_[A-Z_]+$/)).default([]),
  ground: z.enum(SOR_GROUNDS),
});
export type SorMapping = z.infer<typeof SorMapping>;

/** A label as every screen and export sees it: the stored row with its JSON fields decoded. */
export type LabelView = {
  id: string;
  versionId: string;
  key: string;
  name: string;
  group: LabelGroup;
  position: number;
  definition: string;
  cues: string[];
  notWhen: string;
  positiveExamples: string[];
  negativeExamples: string[];
  severity: number;
  defaultAction: string;
  rationaleRequired: boolean;
  retired: boolean;
  sor: SorMapping | null;
};

export type LabelRow = {
  id: string;
  versionId: string;
  key: string;
  name: string;
  group: LabelGroup;
  position: number;
  definition: string;
  cues: string;
  notWhen: string;
  positiveExamples: string;
  negativeExamples: string;
  severity: number;
  defaultAction: string;
  rationaleRequired: boolean;
  retired: boolean;
  sorCategory: string | null;
  sorKeywords: string;
  sorGround: string | null;
};

export function toLabelView(row: LabelRow): LabelView {
  return {
    id: row.id,
    versionId: row.versionId,
    key: row.key,
    name: row.name,
    group: row.group,
    position: row.position,
    definition: row.definition,
    cues: JSON.parse(row.cues) as string[],
    notWhen: row.notWhen,
    positiveExamples: JSON.parse(row.positiveExamples) as string[],
    negativeExamples: JSON.parse(row.negativeExamples) as string[],
    severity: row.severity,
    defaultAction: row.defaultAction,
    rationaleRequired: row.rationaleRequired,
    retired: row.retired,
    sor:
      row.sorCategory && row.sorGround
        ? { category: row.sorCategory, keywords: JSON.parse(row.sorKeywords) as string[], ground: row.sorGround as SorMapping["ground"] }
        : null,
  };
}

/** A set's live (published) version, as the review screen and the API show it. */
export type LiveLabelSet = {
  setId: string;
  setKey: string;
  name: string;
  versionId: string;
  versionNumber: number;
  publishedAt: Date | null;
  labels: LabelView[];
};
