import { Link } from "@remix-run/react";

type Content = {
  type: string;
  title: string | null;
  body: string | null;
  url: string | null;
  mediaUrls: string[];
  language: string | null;
  postedAt: string | Date | null;
  authorExternalId: string | null;
  authorHandle: string | null;
  platform: string;
  externalId: string;
};

function loadable(url: string, origins: string[]) {
  try {
    const u = new URL(url);
    return origins.includes(u.origin);
  } catch {
    return false;
  }
}

/**
 * The material under review. Everything here is hostile input: it is rendered as React text
 * only, links are shown as text (never anchors, never fetched by the server), and media stay
 * blurred and grey until the reviewer reveals them, unless their preference says otherwise.
 */
export function ContentView({
  content,
  revealed,
  revealHref,
  mediaOrigins,
}: {
  content: Content;
  revealed: boolean;
  revealHref: string;
  mediaOrigins: string[];
}) {
  return (
    <article aria-labelledby="content-heading" className="rounded border border-slate-200 bg-white p-4">
      <h2 id="content-heading" className="sr-only">
        Content under review
      </h2>
      <dl className="mb-3 flex flex-wrap gap-x-6 gap-y-1 text-sm text-slate-600">
        <div>
          <dt className="inline font-medium">Type: </dt>
          <dd className="inline">{content.type}</dd>
        </div>
        <div>
          <dt className="inline font-medium">Author: </dt>
          <dd className="inline" data-testid="author">
            {content.authorHandle ?? "unknown"}
            {content.authorExternalId ? <span className="text-slate-500"> ({content.authorExternalId})</span> : null}
          </dd>
        </div>
        <div>
          <dt className="inline font-medium">Language: </dt>
          <dd className="inline">{content.language ?? "unknown"}</dd>
        </div>
        <div>
          <dt className="inline font-medium">Posted: </dt>
          <dd className="inline">{content.postedAt ? new Date(content.postedAt).toISOString().slice(0, 16).replace("T", " ") : "unknown"}</dd>
        </div>
        <div>
          <dt className="inline font-medium">Id: </dt>
          <dd className="inline font-mono text-xs">
            {content.platform}/{content.externalId}
          </dd>
        </div>
      </dl>
      {content.title ? (
        <p className="mb-2 whitespace-pre-wrap break-words text-lg font-semibold" data-testid="content-title">
          {content.title}
        </p>
      ) : null}
      {content.body ? (
        <p className="whitespace-pre-wrap break-words" data-testid="content-body">
          {content.body}
        </p>
      ) : (
        <p className="text-slate-500">No text.</p>
      )}
      {content.url ? (
        <p className="mt-3 text-sm">
          <span className="font-medium">Link (not opened): </span>
          <code className="break-all rounded bg-slate-100 px-1" data-testid="content-url">
            {content.url}
          </code>
        </p>
      ) : null}
      {content.mediaUrls.length > 0 ? (
        <section aria-label="Media" className="mt-4">
          <div className="mb-2 flex items-center gap-3 text-sm">
            <span className="font-medium">
              {content.mediaUrls.length} media {content.mediaUrls.length === 1 ? "file" : "files"}
            </span>
            {revealed ? (
              <Link to="?" replace className="text-blue-800 underline">
                Blur media again
              </Link>
            ) : (
              <Link to={revealHref} replace className="text-blue-800 underline">
                Reveal media for this item
              </Link>
            )}
          </div>
          <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3">
            {content.mediaUrls.map((url, i) => (
              <li key={i} className="overflow-hidden rounded border border-slate-200">
                <div className="media-guard" data-revealed={revealed ? "true" : "false"} data-testid="media">
                  {loadable(url, mediaOrigins) ? (
                    <img src={url} alt={`Media ${i + 1} of the item under review`} referrerPolicy="no-referrer" className="h-40 w-full object-cover" />
                  ) : (
                    <div className="flex h-40 items-center justify-center bg-slate-700 p-2 text-center text-xs text-white">
                      Media {i + 1}: not loaded (its origin is not an allowed media origin)
                    </div>
                  )}
                </div>
                <code className="block break-all p-1 text-xs text-slate-600">{url}</code>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </article>
  );
}
