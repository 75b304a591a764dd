import type { DecisionAction } from "~/modules/decisions/actions.ts";

/** What a key does on the review screen. */
export type ReviewCommand =
  { kind: "action"; action: DecisionAction } | { kind: "rationale" } | { kind: "submit" } | { kind: "skip" } | { kind: "help" } | { kind: "escape" };

export type ReviewKey = {
  /** How the key is written on buttons and in the help overlay. */
  shown: string;
  /** What pressing it does, in the help overlay's words. */
  does: string;
  /** The value for aria-keyshortcuts on the control it stands for. */
  aria?: string;
  /** The KeyboardEvent.key it answers to (lower case), and whether Ctrl (or Cmd) is held. */
  match?: { key: string; ctrl?: boolean };
  command?: ReviewCommand;
};

/**
 * The review screen's keys, in one table: the key handler answers to `match`, the buttons show `shown`
 * and the help overlay lists every row. Rows without a command are handled elsewhere (label digits by
 * the handler's number reader, N by the queue pages).
 */
export const REVIEW_KEYS = {
  labels: {
    shown: "1 … 9, then 10 …",
    does: "Toggle the label with that number (type two digits quickly for 10 and up); picking a label also picks its default action if none is chosen",
  },
  keep: { shown: "K", aria: "k", does: "Action: keep", match: { key: "k" }, command: { kind: "action", action: "keep" } },
  remove: { shown: "R", aria: "r", does: "Action: remove", match: { key: "r" }, command: { kind: "action", action: "remove" } },
  restrict: { shown: "T", aria: "t", does: "Action: restrict", match: { key: "t" }, command: { kind: "action", action: "restrict" } },
  escalate: { shown: "E", aria: "e", does: "Action: escalate to a policy lead", match: { key: "e" }, command: { kind: "action", action: "escalate" } },
  rationale: { shown: "/", aria: "/", does: "Write the rationale", match: { key: "/" }, command: { kind: "rationale" } },
  submit: {
    shown: "Ctrl+Enter",
    aria: "Control+Enter",
    does: "Decide and take the next item",
    match: { key: "enter", ctrl: true },
    command: { kind: "submit" },
  },
  skip: { shown: "S", aria: "s", does: "Skip this item (with the reason chosen below)", match: { key: "s" }, command: { kind: "skip" } },
  next: { shown: "N", does: "Next item (on the queue pages)" },
  help: { shown: "?", aria: "?", does: "Show or hide this help", match: { key: "?" }, command: { kind: "help" } },
  escape: { shown: "Esc", does: "Close this help, or leave the rationale box", match: { key: "escape" }, command: { kind: "escape" } },
} as const satisfies Record<string, ReviewKey>;

export type ReviewKeyName = keyof typeof REVIEW_KEYS;

/** The action choices in the order the form shows them, each with its key. */
export const ACTION_CHOICES = [
  { action: "keep", name: "Keep", key: REVIEW_KEYS.keep },
  { action: "remove", name: "Remove", key: REVIEW_KEYS.remove },
  { action: "restrict", name: "Restrict", key: REVIEW_KEYS.restrict },
  { action: "escalate", name: "Escalate", key: REVIEW_KEYS.escalate },
] as const satisfies readonly { action: DecisionAction; name: string; key: ReviewKey }[];

const BY_KEY: readonly ReviewKey[] = Object.values(REVIEW_KEYS);

/** The table row a key press stands for, if any. */
export function commandFor(e: { key: string; ctrlKey: boolean; metaKey: boolean }): ReviewCommand | undefined {
  const key = e.key.toLowerCase();
  const ctrl = e.ctrlKey || e.metaKey;
  return BY_KEY.find((k) => k.match && k.match.key === key && !!k.match.ctrl === ctrl)?.command;
}
