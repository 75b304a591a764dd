// The reporting dashboards as pages: their keys, addresses, titles and who may open them. Shared by
// the pages, their navigation, the CSV route and the index.
import { can, type Capability, type Role } from "~/modules/auth/capabilities.ts";

export type DashboardPage = { key: DashboardPageKey; title: string; description: string; capability: Capability };

export const DASHBOARD_PAGE_KEYS = ["queues", "deadlines", "speed", "labels", "appeals", "moderators"] as const;
export type DashboardPageKey = (typeof DASHBOARD_PAGE_KEYS)[number];

export const DASHBOARD_PAGES: readonly DashboardPage[] = [
  {
    key: "queues",
    title: "Queues",
    description: "Open items at the end of each day by queue and by strongest source, and items received against decisions made.",
    capability: "reports:dashboards",
  },
  {
    key: "deadlines",
    title: "Deadlines",
    description: "The share of deadlines met by source and by queue, removal orders actioned within the hour, and every miss with a link to its item.",
    capability: "reports:dashboards",
  },
  {
    key: "speed",
    title: "Speed",
    description: "How long items wait for a decision, from receipt and from claim, per queue and per label.",
    capability: "reports:dashboards",
  },
  {
    key: "labels",
    title: "Labels",
    description: "Which labels decisions applied, over time and in total.",
    capability: "reports:dashboards",
  },
  {
    key: "appeals",
    title: "Appeals and agreement",
    description: "Appeals received and decided, the share overturned or modified, decisions reversed, and Cohen's kappa between blind second reviews per week.",
    capability: "reports:dashboards",
  },
  {
    key: "moderators",
    title: "Moderators",
    description: "Decisions per moderator for leads; a moderator sees their own figures only.",
    // reports:by_moderator shows everyone's rows; every holder of it also holds reports:own.
    capability: "reports:own",
  },
];

export const dashboardPage = (key: DashboardPageKey) => DASHBOARD_PAGES.find((p) => p.key === key)!;

/** The dashboards a role may open, for the dashboards' own navigation; the index first when it may open it. */
export function dashboardLinks(role: Role): { key: string; title: string }[] {
  const pages = DASHBOARD_PAGES.filter((p) => can(role, p.capability)).map(({ key, title }) => ({ key, title }));
  return can(role, "reports:dashboards") ? [{ key: "index", title: "All dashboards" }, ...pages] : pages;
}
