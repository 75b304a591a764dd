import { useEffect, useRef } from "react";
import { commandFor, type ReviewCommand } from "./keys.ts";

export type ReviewKeyHandlers = {
  labelCount: number;
  /** Toggles label `n`. Must update the form before returning: a submit may follow at once. */
  onLabel: (n: number) => void;
  onCommand: (command: ReviewCommand) => void;
};

const DIGIT_WAIT_MS = 600;

function isTyping(target: EventTarget | null) {
  const el = target as HTMLElement | null;
  if (!el) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
  if (el.tagName === "INPUT") {
    const type = (el as HTMLInputElement).type;
    return !["checkbox", "radio", "button", "submit"].includes(type);
  }
  return false;
}

/**
 * The review screen's keys (the table in keys.ts). Label numbers can have two digits: a digit that
 * could start a larger label number waits briefly for the next one, but any other key, and any form
 * submission, applies it first, so a fast typist's label is never lost.
 */
export function useReviewKeys(handlers: ReviewKeyHandlers, itemId: string) {
  const ref = useRef(handlers);
  // Key presses come after the render that committed, so the latest handlers are in place by then.
  useEffect(() => {
    ref.current = handlers;
  });
  useEffect(() => {
    // Marks the page as listening, so automated checks (and curious users) can tell keys will work.
    document.documentElement.dataset.reviewKeys = itemId;
    let digits = "";
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (!digits) return;
      const n = Number(digits);
      digits = "";
      if (n >= 1 && n <= ref.current.labelCount) ref.current.onLabel(n);
    };
    const onKey = (e: KeyboardEvent) => {
      const h = ref.current;
      const modified = e.ctrlKey || e.metaKey || e.altKey;
      if (/^[0-9]$/.test(e.key) && !modified && !isTyping(e.target)) {
        e.preventDefault();
        digits += e.key;
        if (Number(digits) * 10 > h.labelCount || digits.length >= 2) flush();
        else {
          if (timer) clearTimeout(timer);
          timer = setTimeout(flush, DIGIT_WAIT_MS);
        }
        return;
      }
      flush();
      const command = commandFor(e);
      if (!command) return;
      // Submitting and leaving work from inside the rationale box too; the other keys are text there.
      if (command.kind !== "submit" && command.kind !== "escape" && (modified || isTyping(e.target))) return;
      if (command.kind !== "escape") e.preventDefault();
      h.onCommand(command);
    };
    // A click on a submit button (or Enter in a field) submits too: the pending digit goes first.
    // Capturing on window runs this before the form library reads the form.
    const onSubmit = () => flush();
    window.addEventListener("keydown", onKey);
    window.addEventListener("submit", onSubmit, true);
    return () => {
      window.removeEventListener("keydown", onKey);
      window.removeEventListener("submit", onSubmit, true);
      if (timer) clearTimeout(timer);
      delete document.documentElement.dataset.reviewKeys;
    };
  }, [itemId]);
}

/** Keeps the lease alive while the review screen is open. */
export function useLeaseRenewal(renew: () => void, everyMs: number, active: boolean) {
  const ref = useRef(renew);
  useEffect(() => {
    ref.current = renew;
  });
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => ref.current(), everyMs);
    return () => clearInterval(t);
  }, [active, everyMs]);
}
