import { Link } from "@remix-run/react";

/** The care settings in force, read-only here; leads change them on the quality settings page. */
export function CareSettings({
  settings,
  canChange,
}: {
  settings: { shiftHours: number; highSeverityCap: number | null; highSeverityFrom: number };
  canChange: boolean;
}) {
  return (
    <section aria-labelledby="care-settings-heading" className="rounded border border-slate-200 bg-white p-4 text-sm">
      <h2 id="care-settings-heading" className="mb-2 text-lg font-semibold">
        Settings in force
      </h2>
      <dl className="grid gap-x-6 gap-y-1 sm:grid-cols-[auto_1fr]">
        <dt className="font-medium">Shift window</dt>
        <dd data-testid="care-shift-hours">the last {settings.shiftHours} hours, rolling</dd>
        <dt className="font-medium">High severity</dt>
        <dd>labels of severity {settings.highSeverityFrom} or more</dd>
        <dt className="font-medium">Limit per shift</dt>
        <dd data-testid="care-cap">
          {settings.highSeverityCap === null ? "no limit" : `${settings.highSeverityCap} high-severity items, then Next item offers only lower-severity work`}
        </dd>
      </dl>
      {canChange ? (
        <p className="mt-3">
          <Link to="/quality/settings" className="text-blue-800 underline">
            Change the care settings
          </Link>
        </p>
      ) : null}
    </section>
  );
}
