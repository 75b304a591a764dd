import { z } from "zod";
import { byRank, type Source } from "~/modules/items/sources.ts";
import { strongestSource, type DecisionSnapshot } from "./snapshot.ts";

/*
 * DSA Art. 17 statements of reasons in the shape the Commission's Transparency Database validates
 * (docs: ../shared/policy/dsa-statement-of-reasons.md). `StatementOfReasons` encodes every rule of
 * that field table; the exporter validates each statement with it before emitting it, so a batch
 * Docket hands out can be POSTed unchanged.
 */

export const VISIBILITY = [
  "DECISION_VISIBILITY_CONTENT_REMOVED",
  "DECISION_VISIBILITY_CONTENT_DISABLED",
  "DECISION_VISIBILITY_CONTENT_DEMOTED",
  "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
  "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
  "DECISION_VISIBILITY_CONTENT_LABELLED",
  "DECISION_VISIBILITY_OTHER",
] as const;
export const MONETARY = ["DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", "DECISION_MONETARY_OTHER"] as const;
export const PROVISION = [
  "DECISION_PROVISION_PARTIAL_SUSPENSION",
  "DECISION_PROVISION_TOTAL_SUSPENSION",
  "DECISION_PROVISION_PARTIAL_TERMINATION",
  "DECISION_PROVISION_TOTAL_TERMINATION",
] as const;
export const ACCOUNT = ["DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"] as const;
/** Both grounds; the label editor offers them in this order. */
export const SOR_GROUNDS = ["DECISION_GROUND_INCOMPATIBLE_CONTENT", "DECISION_GROUND_ILLEGAL_CONTENT"] as const;
export const CONTENT_TYPES = [
  "CONTENT_TYPE_APP",
  "CONTENT_TYPE_AUDIO",
  "CONTENT_TYPE_IMAGE",
  "CONTENT_TYPE_PRODUCT",
  "CONTENT_TYPE_SYNTHETIC_MEDIA",
  "CONTENT_TYPE_TEXT",
  "CONTENT_TYPE_VIDEO",
  "CONTENT_TYPE_OTHER",
] as const;
export const SOR_CATEGORIES = [
  "STATEMENT_CATEGORY_ANIMAL_WELFARE",
  "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
  "STATEMENT_CATEGORY_CYBER_VIOLENCE",
  "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
  "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
  "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
  "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
  "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
  "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
  "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
  "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
  "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
  "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
  "STATEMENT_CATEGORY_SELF_HARM",
  "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
  "STATEMENT_CATEGORY_VIOLENCE",
] as const;
/** The category specifications this policy uses (the database accepts more KEYWORD_* values). */
export const SOR_KEYWORDS = [
  "KEYWORD_TERRORIST_CONTENT",
  "KEYWORD_ILLEGAL_ORGANIZATIONS",
  "KEYWORD_INCITEMENT_VIOLENCE_HATRED",
  "KEYWORD_COORDINATED_HARM",
  "KEYWORD_HATE_SPEECH",
  "KEYWORD_OTHER",
] as const;
export const SOURCE_TYPES = ["SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY"] as const;
export const AUTOMATED_DECISION = ["AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED"] as const;

export const EU_COUNTRIES = [
  "AT",
  "BE",
  "BG",
  "CY",
  "CZ",
  "DE",
  "DK",
  "EE",
  "ES",
  "FI",
  "FR",
  "GR",
  "HR",
  "HU",
  "IE",
  "IT",
  "LT",
  "LU",
  "LV",
  "MT",
  "NL",
  "PL",
  "PT",
  "RO",
  "SE",
  "SI",
  "SK",
] as const;
export const EEA_COUNTRIES = [...EU_COUNTRIES, "IS", "LI", "NO"] as const;

// ISO 639-1, the two-letter codes the database accepts (upper case).
const ISO_639_1 = new Set(
  (
    "aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu " +
    "fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km " +
    "kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om " +
    "or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr " +
    "ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu"
  )
    .split(" ")
    .map((c) => c.toUpperCase()),
);

export const PUID_PATTERN = /^[a-zA-Z0-9-_]+$/;

// Personal data that must never reach decision_facts: addresses, links, handles, phone numbers.
const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;
const URL_LIKE = /\b(?:https?:\/\/|www\.)\S+|\b[a-z0-9-]+\.(?:com|net|org|io|eu|info|biz|app|xyz|me|co)\b/i;
const HANDLE = /(?:^|[\s(])@[A-Za-z0-9_.]{2,}/;
const PHONE = /\+?\d[\d\s().-]{7,}\d/;

export function personalDataIn(text: string, known: string[] = []): string | null {
  if (EMAIL.test(text)) return "an email address";
  if (URL_LIKE.test(text)) return "a URL";
  if (HANDLE.test(text)) return "a user handle";
  if (PHONE.test(text)) return "a phone number";
  for (const k of known) if (k && k.length >= 3 && text.toLowerCase().includes(k.toLowerCase())) return `an identifier of a person ("${k}")`;
  return null;
}

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a YYYY-MM-DD date")
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), "must be a real calendar date");

const endDate = isoDate.nullable().optional();

/** Every rule of the shared field table, as one schema. `.strict()`: no field the database does not know. */
export const StatementOfReasons = z
  .object({
    decision_visibility: z.array(z.enum(VISIBILITY)).optional(),
    decision_visibility_other: z.string().max(500).optional(),
    decision_monetary: z.enum(MONETARY).optional(),
    decision_monetary_other: z.string().max(500).optional(),
    decision_provision: z.enum(PROVISION).optional(),
    decision_account: z.enum(ACCOUNT).optional(),
    account_type: z.enum(["ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"]).optional(),
    decision_ground: z.enum(SOR_GROUNDS),
    decision_ground_reference_url: z.string().url().max(500).optional(),
    illegal_content_legal_ground: z.string().min(1).max(500).optional(),
    illegal_content_explanation: z.string().min(1).max(2000).optional(),
    incompatible_content_ground: z.string().min(1).max(500).optional(),
    incompatible_content_explanation: z.string().min(1).max(2000).optional(),
    incompatible_content_illegal: z.enum(["Yes", "No"]).optional(),
    content_type: z.array(z.enum(CONTENT_TYPES)).min(1),
    content_type_other: z.string().min(1).max(500).optional(),
    category: z.enum(SOR_CATEGORIES),
    category_addition: z.array(z.enum(SOR_CATEGORIES)).optional(),
    category_specification: z.array(z.string().regex(/^KEYWORD_[A-Z_]+$/)).optional(),
    category_specification_other: z.string().max(500).optional(),
    territorial_scope: z.array(z.enum(EEA_COUNTRIES)).min(1),
    content_language: z
      .string()
      .refine((v) => ISO_639_1.has(v), "must be an upper-case ISO 639-1 code")
      .optional(),
    content_date: isoDate.refine((v) => v >= "2000-01-01", "must not be before 2000-01-01"),
    application_date: isoDate,
    end_date_visibility_restriction: endDate,
    end_date_account_restriction: endDate,
    end_date_monetary_restriction: endDate,
    end_date_service_restriction: endDate,
    decision_facts: z.string().min(1).max(5000),
    source_type: z.enum(SOURCE_TYPES),
    source_identity: z.string().max(500).optional(),
    automated_detection: z.enum(["Yes", "No"]),
    automated_decision: z.enum(AUTOMATED_DECISION),
    puid: z.string().min(1).max(500).regex(PUID_PATTERN),
  })
  .strict()
  .superRefine((s, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
    const hasVisibility = (s.decision_visibility?.length ?? 0) > 0;
    if (!hasVisibility && !s.decision_monetary && !s.decision_provision && !s.decision_account) {
      issue("decision_visibility", "at least one of decision_visibility, decision_monetary, decision_provision, decision_account must be set");
    }
    if (s.decision_visibility && new Set(s.decision_visibility).size !== s.decision_visibility.length) issue("decision_visibility", "keys must not repeat");
    if ((s.decision_visibility?.includes("DECISION_VISIBILITY_OTHER") ?? false) !== !!s.decision_visibility_other) {
      issue("decision_visibility_other", "required exactly when decision_visibility includes DECISION_VISIBILITY_OTHER");
    }
    if ((s.decision_monetary === "DECISION_MONETARY_OTHER") !== !!s.decision_monetary_other) {
      issue("decision_monetary_other", "required exactly when decision_monetary is DECISION_MONETARY_OTHER");
    }
    if (s.decision_ground === "DECISION_GROUND_ILLEGAL_CONTENT") {
      if (!s.illegal_content_legal_ground) issue("illegal_content_legal_ground", "required when the ground is illegal content");
      if (!s.illegal_content_explanation) issue("illegal_content_explanation", "required when the ground is illegal content");
    }
    if (s.decision_ground === "DECISION_GROUND_INCOMPATIBLE_CONTENT") {
      if (!s.incompatible_content_ground) issue("incompatible_content_ground", "required when the ground is incompatible content");
      if (!s.incompatible_content_explanation) issue("incompatible_content_explanation", "required when the ground is incompatible content");
    }
    if (new Set(s.content_type).size !== s.content_type.length) issue("content_type", "keys must not repeat");
    if (s.content_type.includes("CONTENT_TYPE_OTHER") !== !!s.content_type_other) {
      issue("content_type_other", "required exactly when content_type includes CONTENT_TYPE_OTHER");
    }
    if (new Set(s.territorial_scope).size !== s.territorial_scope.length) issue("territorial_scope", "country codes must not repeat");
    if (s.application_date < s.content_date) issue("application_date", "must not be before content_date");
    const pd = personalDataIn(s.decision_facts);
    if (pd) issue("decision_facts", `must hold no personal data, but contains ${pd}`);
    if (s.source_type === "SOURCE_VOLUNTARY" && s.source_identity !== undefined)
      issue("source_identity", "must be dropped for voluntary (own-initiative) statements");
  });

export type StatementOfReasons = z.infer<typeof StatementOfReasons>;

/** Batches as the Transparency Database's `POST /api/v1/statements` takes them: 1 to 100. */
export const StatementBatch = z.object({ statements: z.array(StatementOfReasons).min(1).max(100) }).strict();
export const SOR_BATCH_SIZE = 100;

export const SOURCE_TYPE: Record<Source, (typeof SOURCE_TYPES)[number]> = {
  removal_order: "SOURCE_TYPE_OTHER_NOTIFICATION",
  authority_referral: "SOURCE_TYPE_OTHER_NOTIFICATION",
  trusted_flagger: "SOURCE_TRUSTED_FLAGGER",
  user_report: "SOURCE_ARTICLE_16",
  automated: "SOURCE_VOLUNTARY",
};

const SOURCE_PHRASE: Record<Source, string> = {
  removal_order: "Received as a removal order from a competent authority under Regulation (EU) 2021/784",
  authority_referral: "Referred by a public authority for review against the terms of service",
  trusted_flagger: "Reported by a trusted flagger",
  user_report: "Reported by a user notice",
  automated: "Detected by the platform's automated detection",
};

const CONTENT_TYPE_OF: Record<string, { type: (typeof CONTENT_TYPES)[number]; other?: string }> = {
  text: { type: "CONTENT_TYPE_TEXT" },
  image: { type: "CONTENT_TYPE_IMAGE" },
  video: { type: "CONTENT_TYPE_VIDEO" },
  audio: { type: "CONTENT_TYPE_AUDIO" },
  link: { type: "CONTENT_TYPE_OTHER", other: "Link" },
  document: { type: "CONTENT_TYPE_OTHER", other: "Document" },
};

/** Restricting decisions are the ones that need a statement; keep and escalate produce none. */
export const RESTRICTING_ACTIONS = ["remove", "restrict"] as const;

const VISIBILITY_OF: Record<(typeof RESTRICTING_ACTIONS)[number], (typeof VISIBILITY)[number]> = {
  remove: "DECISION_VISIBILITY_CONTENT_REMOVED",
  restrict: "DECISION_VISIBILITY_CONTENT_DISABLED",
};

export const TCO_LEGAL_GROUND = "Regulation (EU) 2021/784 on addressing the dissemination of terrorist content online, Article 3 (removal order)";

export type SorLabel = {
  key: string;
  name: string;
  group: string;
  definition: string;
  severity: number;
  setName: string;
  versionNumber: number;
  sor: { category: string; keywords: string[]; ground: (typeof SOR_GROUNDS)[number] } | null;
};

export type SorDecision = {
  id: string;
  action: string;
  createdAt: Date;
  snapshot: DecisionSnapshot;
  labels: SorLabel[];
  /** What made it replace an earlier decision (whose statement stays as it was): an appeal, or a lead's correction after a quality review. */
  replaced?: "appeal" | "quality_review" | null;
};

const day = (d: Date) => d.toISOString().slice(0, 10);
const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

export const puidFor = (decisionId: string) => `docket-${decisionId.replace(/[^a-zA-Z0-9-_]/g, "-")}`;

/** Why a decision replaced another, from its record. */
export function replacedBecause(d: { supersedesId: string | null; qualityReviewId: string | null }): SorDecision["replaced"] {
  if (!d.supersedesId) return null;
  return d.qualityReviewId ? "quality_review" : "appeal";
}

/**
 * The statement for one restricting decision, from what the decision recorded: its snapshot (dates,
 * type, language, flags), its labels as they read in their version (category, keywords, ground), its
 * action. Returns null for decisions that restrict nothing. Never reads the moderator's free-text
 * rationale or the content itself, so no personal data can leak into decision_facts.
 */
export function buildStatement(d: SorDecision): StatementOfReasons | null {
  if (d.action !== "remove" && d.action !== "restrict") return null;
  const { item, flags } = d.snapshot;
  const source: Source = strongestSource(d.snapshot) ?? "user_report";
  const violating = d.labels.filter((l) => l.sor).sort((a, b) => b.severity - a.severity);
  const primary = violating[0]?.sor ?? null;
  const isOrder = source === "removal_order";

  // A label's stored category is checked when its version is published, and again by validStatement.
  const category = (primary?.category ??
    (isOrder ? "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY" : "STATEMENT_CATEGORY_OTHER_VIOLATION_TC")) as StatementOfReasons["category"];
  const keywords = [...new Set(violating.flatMap((l) => l.sor?.keywords ?? []))];
  if (keywords.length === 0 && isOrder) keywords.push("KEYWORD_TERRORIST_CONTENT");
  const illegal = isOrder || violating.some((l) => l.sor?.ground === "DECISION_GROUND_ILLEGAL_CONTENT");

  const setNames = [...new Set(d.labels.map((l) => `${l.setName} (version ${l.versionNumber})`))];
  const labelNames = d.labels.filter((l) => l.group !== "allowed").map((l) => l.name);
  const labelList = labelNames.length > 0 ? labelNames.join(", ") : "no specific label";
  const explanation = clip(
    violating.length > 0 ? violating.map((l) => `${l.name}: ${l.definition}`).join(" ") : "The content was found to breach the platform's rules on review.",
    2000,
  );

  const type = CONTENT_TYPE_OF[item.type] ?? { type: "CONTENT_TYPE_OTHER" as const, other: clip(item.type || "Other", 500) };
  const posted = item.postedAt ?? item.firstFlaggedAt ?? flags.map((f) => f.receivedAt).find(Boolean) ?? d.createdAt;
  const contentDate = posted < new Date("2000-01-01T00:00:00Z") ? "2000-01-01" : day(posted);
  const language = item.language?.slice(0, 2).toUpperCase();
  const automatedDetection = flags.some((f) => f.source === "automated") || source === "automated";
  const otherSources = byRank(new Set(flags.map((f) => f.source).filter((s) => s !== source)));

  const facts = [
    `${SOURCE_PHRASE[source]}.`,
    otherSources.length > 0 ? `Also flagged through: ${otherSources.map((s) => SOURCE_PHRASE[s].toLowerCase()).join("; ")}.` : "",
    `A trained moderator reviewed it under the ${setNames.join(", ") || "platform's"} policy and applied: ${labelList}.`,
    d.replaced === "appeal" ? "Decided on an internal complaint (DSA Art. 20), replacing an earlier decision on this content." : "",
    d.replaced === "quality_review" ? "Corrected after an internal quality review, replacing an earlier decision on this content." : "",
    d.action === "remove" ? "Content removed; account not restricted." : "Access to the content disabled; account not restricted.",
  ]
    .filter(Boolean)
    .join(" ");

  const statement: StatementOfReasons = {
    decision_visibility: [VISIBILITY_OF[d.action]],
    decision_ground: illegal ? "DECISION_GROUND_ILLEGAL_CONTENT" : "DECISION_GROUND_INCOMPATIBLE_CONTENT",
    ...(illegal
      ? {
          illegal_content_legal_ground: isOrder ? TCO_LEGAL_GROUND : clip(`Illegal content under applicable law: ${labelList}`, 500),
          illegal_content_explanation: isOrder
            ? clip(`A competent authority ordered the removal of this content as terrorist content. ${explanation}`, 2000)
            : explanation,
        }
      : {
          incompatible_content_ground: clip(`Terms of service, ${setNames.join(", ") || "community guidelines"}: ${labelList}`, 500),
          incompatible_content_explanation: explanation,
        }),
    content_type: [type.type],
    ...(type.other ? { content_type_other: type.other } : {}),
    category,
    ...(keywords.length > 0 ? { category_specification: keywords } : {}),
    territorial_scope: [...EU_COUNTRIES],
    ...(language && ISO_639_1.has(language) ? { content_language: language } : {}),
    content_date: contentDate,
    application_date: day(d.createdAt) < contentDate ? contentDate : day(d.createdAt),
    end_date_visibility_restriction: null,
    decision_facts: clip(facts, 5000),
    source_type: SOURCE_TYPE[source],
    automated_detection: automatedDetection ? "Yes" : "No",
    automated_decision: "AUTOMATED_DECISION_NOT_AUTOMATED",
    puid: puidFor(d.id),
  };
  return statement;
}

export class InvalidStatementError extends Error {
  constructor(
    readonly decisionId: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(`the statement of reasons for decision ${decisionId} is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`);
  }
}

/** Builds and validates; a statement that breaks a rule is an error, never silently exported. */
export function validStatement(d: SorDecision, personalIdentifiers: string[] = []): StatementOfReasons | null {
  const statement = buildStatement(d);
  if (!statement) return null;
  const parsed = StatementOfReasons.safeParse(statement);
  const issues = parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  const leaked = personalDataIn(statement.decision_facts, personalIdentifiers);
  if (leaked) issues.push({ path: "decision_facts", message: `contains ${leaked}` });
  if (issues.length > 0) throw new InvalidStatementError(d.id, issues);
  return parsed.success ? parsed.data : statement;
}
