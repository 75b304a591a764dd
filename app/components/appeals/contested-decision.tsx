import { OutcomeBadge, PlainText, utc } from "~/components/audit/format.tsx";
import { ContentView } from "~/components/review/content-view.tsx";
import { AppliedLabels } from "~/components/audit/applied-labels.tsx";

type ContestedView = {
  id: string;
  action: string;
  rationale: string;
  createdAt: string;
  byLead: boolean;
  decidedBy: { name: string; email: string };
  version: { number: number; setName: string } | null;
  snapshot: {
    item: {
      platform?: string | null;
      externalId: string;
      type: string;
      title?: string | null;
      body?: string | null;
      url?: string | null;
      mediaUrls?: string[] | string | null;
      language?: string | null;
      postedAt?: string | null;
      authorExternalId?: string | null;
      authorHandle?: string | null;
    };
  };
  labels: {
    id: string;
    key: string;
    name: string;
    group: string;
    definition: string;
    notWhen: string;
    setName: string;
    versionNumber: number;
    defaultAction: string;
  }[];
};

/**
 * The contested decision exactly as it was made: the content as the reviewer saw it (text only, media
 * blurred until revealed), its labels in the words of their version, the action, rationale, who and when.
 */
export function ContestedDecision({
  contested,
  revealed,
  revealHref,
  mediaOrigins,
}: {
  contested: ContestedView;
  revealed: boolean;
  revealHref: string;
  mediaOrigins: string[];
}) {
  const item = contested.snapshot.item;
  const mediaUrls = Array.isArray(item.mediaUrls) ? item.mediaUrls : [];
  return (
    <section aria-labelledby="contested-heading" className="space-y-3 rounded border border-slate-200 bg-white p-4">
      <h2 id="contested-heading" className="text-lg font-semibold">
        The contested decision, as it was made
      </h2>
      <dl className="grid gap-1 text-sm sm:grid-cols-[10rem_1fr]">
        <dt className="font-medium text-slate-600">Action</dt>
        <dd>
          <OutcomeBadge action={contested.action} />
        </dd>
        <dt className="font-medium text-slate-600">Decided by</dt>
        <dd>
          {contested.decidedBy.name} ({contested.decidedBy.email}){contested.byLead ? " as policy lead" : ""}
        </dd>
        <dt className="font-medium text-slate-600">Decided at</dt>
        <dd>{utc(contested.createdAt)}</dd>
        <dt className="font-medium text-slate-600">Rationale</dt>
        <dd>
          <PlainText text={contested.rationale} />
        </dd>
        <dt className="font-medium text-slate-600">Label set</dt>
        <dd>{contested.version ? `${contested.version.setName}, version ${contested.version.number}` : "none"}</dd>
      </dl>
      <div>
        <h3 className="font-semibold">Labels applied, as their version defined them</h3>
        <AppliedLabels labels={contested.labels} />
      </div>
      <h3 className="font-semibold">The content as the reviewer saw it</h3>
      <ContentView
        content={{
          type: item.type,
          title: item.title ?? null,
          body: item.body ?? null,
          url: item.url ?? null,
          mediaUrls,
          language: item.language ?? null,
          postedAt: item.postedAt ?? null,
          authorExternalId: item.authorExternalId ?? null,
          authorHandle: item.authorHandle ?? null,
          platform: item.platform ?? "",
          externalId: item.externalId,
        }}
        revealed={revealed}
        revealHref={revealHref}
        mediaOrigins={mediaOrigins}
      />
    </section>
  );
}
