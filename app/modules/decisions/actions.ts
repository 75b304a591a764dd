/** What a decision does to an item: the same four words in the schema, the screens and the exports. */
export const ACTIONS = ["keep", "remove", "restrict", "escalate"] as const;
export type DecisionAction = (typeof ACTIONS)[number];
