import { Form } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { buttonClass } from "~/components/ui/page.tsx";

/** The "next item" button: a plain form post that claims and redirects; `n` presses it from anywhere on the page. */
export function NextButton({ label, disabled }: { label: string; disabled?: boolean }) {
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "n" || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement;
      if (t.closest("input, textarea, select, [contenteditable]")) return;
      e.preventDefault();
      ref.current?.click();
    };
    window.addEventListener("keydown", onKey);
    document.documentElement.dataset.nextKey = "on";
    return () => {
      window.removeEventListener("keydown", onKey);
      delete document.documentElement.dataset.nextKey;
    };
  }, []);
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="next" />
      <button ref={ref} type="submit" className={`${buttonClass} text-base`} disabled={disabled} aria-keyshortcuts="n">
        {label} <kbd className="ml-2 rounded bg-blue-950/40 px-1.5 text-xs">N</kbd>
      </button>
    </Form>
  );
}
