import type { Capability } from "~/modules/auth/capabilities.ts";

/** The console's sections; each is shown only to roles holding its capability. */
export const NAV: { to: string; label: string; capability: Capability }[] = [
  { to: "/queue", label: "Review", capability: "queue:review" },
  { to: "/queue/list", label: "Queue", capability: "queue:view" },
  { to: "/escalations", label: "Escalations", capability: "escalations:decide" },
  { to: "/appeals", label: "Appeals", capability: "appeals:view" },
  { to: "/quality", label: "Quality", capability: "quality:view" },
  { to: "/claims", label: "Claims", capability: "queue:manage" },
  { to: "/queues", label: "Queues", capability: "queue:manage" },
  { to: "/routing", label: "Routing", capability: "routing:read" },
  { to: "/labels", label: "Label sets", capability: "labels:read" },
  { to: "/campaigns", label: "Campaigns", capability: "campaigns:read" },
  { to: "/overview", label: "Overview", capability: "reports:view" },
  { to: "/reports", label: "Reports", capability: "reports:dashboards" },
  { to: "/reports/moderators", label: "Decisions per moderator", capability: "reports:own" },
  { to: "/reports/transparency", label: "Transparency", capability: "transparency:read" },
  { to: "/audit", label: "Audit log", capability: "audit:read" },
  { to: "/admin/users", label: "Users", capability: "users:manage" },
  { to: "/admin/api-keys", label: "API keys", capability: "apikeys:manage" },
  { to: "/admin/webhooks", label: "Webhooks", capability: "webhooks:manage" },
  { to: "/api-reference", label: "API reference", capability: "api:reference" },
];
