// The one capability map. Screens and checks ask for a capability, never for a role name, so
// changing what a role may do is a change to this table alone.
import type { ApiScope } from "./scopes.ts";

export const ROLES = ["moderator", "policy_lead", "auditor", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, string> = {
  moderator: "Moderator",
  policy_lead: "Policy lead",
  auditor: "Auditor",
  admin: "Admin",
};

export const CAPABILITIES = {
  "queue:review": ["moderator", "policy_lead"],
  "queue:view": ["moderator", "policy_lead", "admin"],
  "queue:manage": ["policy_lead", "admin"],
  "routing:read": ["policy_lead", "auditor", "admin"],
  "escalations:decide": ["policy_lead"],
  // Deciding an appeal: qualified reviewers, never automation (DSA Art. 20(6)).
  "appeals:review": ["moderator", "policy_lead"],
  "appeals:read": ["policy_lead", "auditor", "admin"],
  // Opening the appeals pages at all: reviewers to work appeals, readers to follow them. What a page
  // then shows (figures, the decision form) depends on appeals:review and appeals:read.
  "appeals:view": ["moderator", "policy_lead", "auditor", "admin"],
  // Recording an appeal received by letter or email, and keeping the answer templates.
  "appeals:manage": ["policy_lead"],
  // Overturn counts per moderator: for the leads who coach them, not for colleagues or auditors.
  "appeals:by_moderator": ["policy_lead"],
  // Opening the quality pages at all; what each shows depends on the capabilities below.
  "quality:view": ["moderator", "policy_lead", "auditor", "admin"],
  // Blind second reviews of sampled decisions: the same people who review items.
  "quality:review": ["moderator", "policy_lead"],
  // Sampling rules, calibration items, adjudicating disagreements, the care settings.
  "quality:manage": ["policy_lead"],
  // Agreement figures and the pairs behind them (no names of reviewers in them).
  "quality:read": ["policy_lead", "auditor", "admin"],
  // Calibration accuracy per moderator and the team's exposure: for the leads who look after them.
  "quality:by_moderator": ["policy_lead"],
  // A cluster's members and their differences, on the review screen and the cluster page.
  "clusters:view": ["moderator", "policy_lead", "auditor", "admin"],
  // Deciding a cluster or a selection of its members, and splitting out a member that does not belong:
  // the people who review items.
  "clusters:decide": ["moderator", "policy_lead"],
  // Merging two clusters the intake kept apart.
  "clusters:merge": ["policy_lead"],
  // Referral campaigns and their outcome reports for the referring authority.
  "campaigns:read": ["policy_lead", "auditor", "admin"],
  "labels:read": ["moderator", "policy_lead", "auditor", "admin"],
  "labels:edit": ["policy_lead", "admin"],
  "decisions:read": ["moderator", "policy_lead", "auditor", "admin"],
  "reports:view": ["policy_lead", "auditor", "admin"],
  // The reporting dashboards (queues, deadlines, speed, labels, appeals, agreement): leads and admins
  // run the team from them, auditors read them.
  "reports:dashboards": ["policy_lead", "auditor", "admin"],
  // Decisions per moderator, everyone's: for the leads who coach them.
  "reports:by_moderator": ["policy_lead"],
  // A reviewer's own figures, and nobody else's.
  "reports:own": ["moderator", "policy_lead"],
  // DSA and TCO transparency reports: the page, CSV and JSON.
  "transparency:read": ["policy_lead", "auditor", "admin"],
  "audit:read": ["auditor", "admin"],
  "audit:export": ["auditor", "admin"],
  "users:manage": ["admin"],
  "apikeys:manage": ["admin"],
  // Every platform's webhook endpoints, their deliveries and attempts: pausing, resending, deleting.
  "webhooks:manage": ["admin"],
  // The platform API's reference page (the OpenAPI document rendered).
  "api:reference": ["policy_lead", "auditor", "admin"],
  "account:self": ["moderator", "policy_lead", "auditor", "admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Capability = keyof typeof CAPABILITIES;

export function can(role: Role, capability: Capability): boolean {
  return (CAPABILITIES[capability] as readonly Role[]).includes(role);
}

export function capabilitiesOf(role: Role): Capability[] {
  return (Object.keys(CAPABILITIES) as Capability[]).filter((c) => can(role, c));
}

// Where each role starts after logging in.
export const HOME: Record<Role, string> = {
  moderator: "/queue",
  policy_lead: "/escalations",
  auditor: "/audit",
  admin: "/admin/users",
};

/**
 * What a route demands, declared next to it and exported as `access`. The route matrix test reads
 * these declarations from the built app and proves the server enforces each one.
 */
export type Access =
  | { kind: "public" }
  | { kind: "user"; capability: Capability }
  // null only for the API's catch-all, which answers every key that it has no such endpoint.
  | { kind: "api"; scope: ApiScope | null };
