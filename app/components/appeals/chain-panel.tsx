import { Link } from "@remix-run/react";
import { OutcomeBadge, utc } from "~/components/audit/format.tsx";
import { APPELLANT_ROLE_WORDS, CHANNEL_WORDS, OUTCOME_WORDS, wordFor } from "./words.ts";

type Linked = { id: string; action: string; createdAt: string; labelKeys: string[]; appealId: string | null };
export type ChainView = {
  supersedes: Linked | null;
  madeOnAppealId: string | null;
  appeals: {
    id: string;
    appellantRole: string;
    channel: string;
    state: string;
    outcome: string | null;
    receivedAt: string;
    dueAt: string;
    decidedAt: string | null;
    newDecisionId: string | null;
  }[];
  supersededBy: Linked | null;
};

/**
 * Where a decision stands in its chain: the decision it replaced and on which appeal, the appeals
 * against it with their outcomes, and the decision that replaced it. `decisionHref` says where a
 * decision's page is for this reader (null: they cannot open it, so it is named, not linked).
 */
export function ChainPanel({ chain, decisionHref }: { chain: ChainView; decisionHref: (id: string) => string | null }) {
  const decisionLink = (d: { id: string }, text: string) => {
    const href = decisionHref(d.id);
    return href ? (
      <Link to={href} className="text-blue-800 underline">
        {text}
      </Link>
    ) : (
      <span>{text}</span>
    );
  };
  const empty = !chain.supersedes && chain.appeals.length === 0 && !chain.supersededBy;
  return (
    <div className="space-y-3 text-sm" data-testid="decision-chain">
      {empty ? <p className="text-slate-600">No appeal concerns this decision, and it replaced none.</p> : null}
      {chain.supersedes ? (
        <p>
          This decision <strong>supersedes</strong> {decisionLink(chain.supersedes, `decision ${chain.supersedes.id}`)} (
          <OutcomeBadge action={chain.supersedes.action} /> of {utc(chain.supersedes.createdAt)})
          {chain.madeOnAppealId ? (
            <>
              , made on{" "}
              <Link to={`/appeals/${chain.madeOnAppealId}`} className="text-blue-800 underline">
                appeal {chain.madeOnAppealId}
              </Link>
            </>
          ) : null}
          .
        </p>
      ) : null}
      {chain.appeals.length > 0 ? (
        <div>
          <h3 className="font-semibold">Appeals against this decision</h3>
          <ul className="mt-1 space-y-2">
            {chain.appeals.map((a) => (
              <li key={a.id} className="rounded border border-slate-200 p-2">
                <Link to={`/appeals/${a.id}`} className="font-medium text-blue-800 underline">
                  Appeal {a.id}
                </Link>{" "}
                by the {wordFor(APPELLANT_ROLE_WORDS, a.appellantRole).toLowerCase()} ({wordFor(CHANNEL_WORDS, a.channel)}), received {utc(a.receivedAt)}
                <span className="block">
                  {a.state === "decided" ? (
                    <>
                      Outcome: <strong>{wordFor(OUTCOME_WORDS, a.outcome)}</strong> on {utc(a.decidedAt)}
                      {a.newDecisionId ? <> → new {decisionLink({ id: a.newDecisionId }, `decision ${a.newDecisionId}`)}</> : null}
                    </>
                  ) : (
                    <>Open: due {utc(a.dueAt)}</>
                  )}
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {chain.supersededBy ? (
        <p>
          <strong>Replaced by</strong> {decisionLink(chain.supersededBy, `decision ${chain.supersededBy.id}`)} (
          <OutcomeBadge action={chain.supersededBy.action} /> of {utc(chain.supersededBy.createdAt)})
          {chain.supersededBy.appealId ? (
            <>
              {" "}
              on{" "}
              <Link to={`/appeals/${chain.supersededBy.appealId}`} className="text-blue-800 underline">
                appeal {chain.supersededBy.appealId}
              </Link>
            </>
          ) : null}
          .
        </p>
      ) : null}
    </div>
  );
}
