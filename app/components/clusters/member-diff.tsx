import { SourceBadge } from "~/components/queue/source-badge.tsx";
import type { DiffSegment } from "~/modules/clusters/diff.ts";

/**
 * A member's text as differences from the representative's: added words in <ins>, removed words in
 * <del>, as text only (the content is hostile). Underline and strike-through, and a marker read out by
 * screen readers, say which is which without relying on colour.
 */
export function MemberDiff({ segments, label }: { segments: DiffSegment[]; label: string }) {
  if (segments.length === 0) return <p className="text-sm text-slate-600">The representative: other members are compared with this text.</p>;
  if (segments.every((s) => s.kind === "same")) return <p className="text-sm text-slate-600">Same text as the representative.</p>;
  return (
    <p aria-label={label} className="text-sm break-words whitespace-pre-wrap">
      {segments.map((s, i) =>
        s.kind === "same" ? (
          <span key={i}>{s.text}</span>
        ) : s.kind === "added" ? (
          <span key={i}>
            <span className="sr-only">[added: </span>
            <ins className="bg-green-100 text-green-950 underline decoration-2 underline-offset-2">{s.text}</ins>
            <span className="sr-only">]</span>
          </span>
        ) : (
          <span key={i}>
            <span className="sr-only">[removed: </span>
            <del className="bg-red-100 text-red-950 line-through decoration-2">{s.text}</del>
            <span className="sr-only">]</span>
          </span>
        ),
      )}
    </p>
  );
}

/** How alike a member is to the representative, as a percentage. */
export function Similarity({ value }: { value: number | null }) {
  return <span className="text-slate-600">{value === null ? "similarity not measured (short text)" : `${Math.round(value * 100)}% alike`}</span>;
}

/** Who posted a member: the handle, or the platform's id for the author. */
export function authorOf(m: { authorHandle: string | null; authorExternalId: string | null }) {
  return m.authorHandle ? `@${m.authorHandle.replace(/^@/, "")}` : m.authorExternalId ? `author ${m.authorExternalId}` : "author unknown";
}

/** Counts by source, as "authority_referral 3, user_report 12". */
export function sourcesText(counts: Record<string, number>) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return entries.length ? entries.map(([s, n]) => `${s} ${n.toLocaleString("en")}`).join(", ") : "none open";
}

/** Links to the other pages of members, keeping the rest of the URL's query. */
export function MemberPager({ page, pages, search }: { page: number; pages: number; search: string }) {
  if (pages <= 1) return null;
  const href = (n: number) => {
    const p = new URLSearchParams(search);
    p.set("page", String(n));
    p.delete("notice");
    return `?${p}`;
  };
  return (
    <nav aria-label="Pages of members" className="mt-3 flex items-center gap-3 text-sm">
      {page > 1 ? (
        <a href={href(page - 1)} className="text-blue-800 underline">
          Previous members
        </a>
      ) : null}
      <span>
        Page {page} of {pages}
      </span>
      {page < pages ? (
        <a href={href(page + 1)} className="text-blue-800 underline">
          Next members
        </a>
      ) : null}
    </nav>
  );
}

type MemberSummary = {
  externalId: string;
  blind: boolean;
  decidedAs: string | null;
  state: string | null;
  strongestSource: string;
  authorHandle: string | null;
  authorExternalId: string | null;
  similarity: number | null;
  diff: DiffSegment[];
};

/** What a member is: its state (hidden under a blind review the viewer may still do), source, author, similarity. */
export function MemberFacts({ m }: { m: MemberSummary }) {
  return (
    <>
      <span className="text-slate-600">{m.blind ? "state hidden until your blind quality review" : m.decidedAs ? `${m.state}: ${m.decidedAs}` : m.state}</span>
      <SourceBadge source={m.strongestSource} />
      <span className="text-slate-600">{authorOf(m)}</span>
      <Similarity value={m.similarity} />
    </>
  );
}

/** A member's differences from the representative, below its facts. */
export function MemberChanges({ m }: { m: MemberSummary }) {
  return (
    <div className="mt-2">
      <MemberDiff segments={m.diff} label={`Differences of ${m.externalId} from the representative`} />
    </div>
  );
}
