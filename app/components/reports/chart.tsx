import type { Chart } from "~/modules/reporting/dashboard-charts.ts";
import { Histogram, StackedColumns } from "./columns.tsx";
import { HorizontalBars } from "./horizontal-bars.tsx";
import { LineChart } from "./line-chart.tsx";

/** A dashboard chart drawn as its kind says. */
export function DashboardChart({ chart, csvHref }: { chart: Chart; csvHref: string }) {
  switch (chart.kind) {
    case "line":
      return <LineChart chart={chart} csvHref={csvHref} />;
    case "stacked":
      return <StackedColumns chart={chart} csvHref={csvHref} />;
    case "histogram":
      return <Histogram chart={chart} csvHref={csvHref} />;
    case "bars":
      return <HorizontalBars chart={chart} csvHref={csvHref} />;
  }
}
