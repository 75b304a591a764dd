// The forms of the cluster actions, shared by the routes that show them and the modules that act.
import { z } from "zod";

const reason = z.string().trim().min(3, "Say why, in a few words: the reason goes on the record.").max(500, "Keep the reason under 500 characters.");
const id = (what: string) => z.string().trim().min(1, `Choose ${what}.`).max(100);

/** Split a member out of its cluster (the review screen's action and the cluster page). */
export const SplitForm = z.object({
  intent: z.literal("split"),
  itemId: id("the member to split out"),
  reason,
});
export type SplitForm = z.infer<typeof SplitForm>;

/** Merge one cluster into another (a lead, on the cluster page). */
export const MergeForm = z.object({
  intent: z.literal("merge"),
  fromClusterId: id("the cluster to merge"),
  intoClusterId: id("the cluster to merge into"),
  reason,
});
export type MergeForm = z.infer<typeof MergeForm>;

/** Resume a cluster decision whose runner stopped (the progress page). */
export const ResumeForm = z.object({ intent: z.literal("resume") });
