import { z } from "zod";

/**
 * A group of checkboxes sharing one name: a form sends nothing when none is ticked, one value when
 * one is, and a list when several are. The schema always sees a list.
 */
export const checkedValues = <T extends z.ZodTypeAny>(list: T) => z.preprocess((v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]), list);
