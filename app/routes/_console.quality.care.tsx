import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { CareSettings } from "~/components/quality/care/care-settings.tsx";
import { ChartWithData } from "~/components/quality/care/chart-with-data.tsx";
import { TeamFigures } from "~/components/quality/care/team-figures.tsx";
import { severityName, utcTime } from "~/components/quality/care/words.ts";
import { PageHeader } from "~/components/ui/page.tsx";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { teamExposure } from "~/modules/quality/care/exposure.server.ts";

export const access: Access = { kind: "user", capability: "quality:by_moderator" };
export const meta: MetaFunction = () => [{ title: "Team care · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "quality:by_moderator");
  return json({ team: await teamExposure(new Date()), canChange: can(user.role, "quality:manage") });
}

export default function TeamCare() {
  const { team, canChange } = useLoaderData<typeof loader>();
  const { settings } = team;
  return (
    <>
      <PageHeader
        title="Team care"
        description={
          <>
            What the team has been exposed to in the last {settings.shiftHours} hours (since {utcTime(team.window.from)}): totals only, no names and no ranking.
            These figures are for looking after people, not for judging their work.
          </>
        }
      />
      <TeamFigures
        reviewers={team.reviewers}
        atCap={team.atCap}
        nearCap={team.nearCap}
        reviewed={team.reviewed}
        highSeverity={team.highSeverity}
        mediaRevealed={team.mediaRevealed}
        capSet={settings.highSeverityCap !== null}
      />
      <div className="mb-6 space-y-6">
        <ChartWithData
          title="Items reviewed by the most severe label applied"
          rowHeader="Severity"
          valueHeader="Items"
          bars={team.bySeverity.map((value, severity) => ({ label: severityName(severity), value }))}
        />
        {team.highSeverityDistribution.length > 0 ? (
          <ChartWithData
            title="People by how many high-severity items they reviewed"
            rowHeader="High-severity items"
            valueHeader="People"
            bars={team.highSeverityDistribution.map((d) => ({ label: `${d.count} ${d.count === 1 ? "item" : "items"}`, value: d.reviewers }))}
          />
        ) : (
          <p className="rounded border border-slate-200 bg-white p-3 text-sm text-slate-600">Nobody has reviewed anything in this window yet.</p>
        )}
      </div>
      <CareSettings settings={settings} canChange={canChange} />
      <p className="mt-4 text-sm text-slate-600">
        Near the limit means within a fifth of it. A removal order is due within the hour whoever is at the limit: the queues page shows what is overdue, so
        work can be handed to someone with room.
      </p>
    </>
  );
}
