import { useEffect, useRef } from "react";

export type ReviewKeyHandlers = {
  labelCount: number;
  onLabel: (n: number) => void;
  onAction: (a: "keep" | "remove" | "restrict" | "escalate") => void;
  onRationale: () => void;
  onSubmit: () => void;
  onSkip: () => void;
  onHelp: () => void;
  onEscape: () => void;
};

const ACTION_KEYS = { k: "keep", r: "remove", t: "restrict", e: "escalate" } as const;
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
 * Single-key shortcuts for the review screen. Label numbers can have two digits: a digit that
 * could start a larger label number waits briefly for the next one.
 */
export function useReviewKeys(handlers: ReviewKeyHandlers, itemId: string) {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    // Marks the page as listening, so automated checks (and curious users) can tell keys will work.
    document.documentElement.dataset.reviewKeys = itemId;
    let digits = "";
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      const n = Number(digits);
      digits = "";
      if (n >= 1 && n <= ref.current.labelCount) ref.current.onLabel(n);
    };
    const onKey = (e: KeyboardEvent) => {
      const h = ref.current;
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        h.onSubmit();
        return;
      }
      if (e.key === "Escape") {
        h.onEscape();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (/^[0-9]$/.test(e.key)) {
        e.preventDefault();
        digits += e.key;
        if (Number(digits) * 10 > h.labelCount || digits.length >= 2) flush();
        else {
          if (timer) clearTimeout(timer);
          timer = setTimeout(flush, DIGIT_WAIT_MS);
        }
        return;
      }
      const key = e.key.toLowerCase();
      if (key in ACTION_KEYS && e.key.length === 1) {
        e.preventDefault();
        h.onAction(ACTION_KEYS[key as keyof typeof ACTION_KEYS]);
      } else if (e.key === "/") {
        e.preventDefault();
        h.onRationale();
      } else if (key === "s") {
        e.preventDefault();
        h.onSkip();
      } else if (e.key === "?") {
        e.preventDefault();
        h.onHelp();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
      if (timer) clearTimeout(timer);
      delete document.documentElement.dataset.reviewKeys;
    };
  }, [itemId]);
}

/** Keeps the lease alive while the review screen is open. */
export function useLeaseRenewal(renew: () => void, everyMs: number, active: boolean) {
  const ref = useRef(renew);
  ref.current = renew;
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => ref.current(), everyMs);
    return () => clearInterval(t);
  }, [active, everyMs]);
}
