import { currentTimeMs } from "~/modules/clock/clock.ts";
import { z } from "zod";
import { SOURCES } from "~/modules/items/sources.ts";
import { unstorableText } from "./unicode.ts";

// The intake contract (docs: architecture, "Ingestion"). Free text (title, body, note, handle) may
// hold anything, markup included: it is the material under review and is only ever rendered as
// text. Identifiers, keys, dates and URLs are structured and refuse anything else. Every string,
// free text included, must be storable exactly as sent: well-formed Unicode without NUL
// (docs/decisions/014-intake-refuses-unstorable-text.md).

export const LIMITS = {
  batchSize: 1000,
  id: 200,
  title: 1_000,
  body: 50_000,
  url: 2_048,
  mediaUrls: 20,
  handle: 200,
  note: 5_000,
  reference: 500,
} as const;

/** Refuses a string that would not read back from the database exactly as sent. */
const storable =
  (what: string) =>
  (value: string, ctx: z.RefinementCtx): void => {
    const problem = unstorableText(what, value);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  };

/** An identifier a platform sends (content, author, flag, reporter): also how a platform names an item when it asks for it. */
export const identifier = (what: string) =>
  z
    .string({ invalid_type_error: `${what} must be a string.` })
    .min(1, `${what} must not be empty.`)
    .max(LIMITS.id, `${what} must be at most ${LIMITS.id} characters.`)
    .regex(/^[^\s<>"'`\\\p{Cc}]+$/u, `${what} may not contain spaces, quotes, angle brackets or control characters.`)
    .superRefine(storable(what));

const text = (what: string, max: number) =>
  z
    .string({ invalid_type_error: `${what} must be a string.` })
    .max(max, `${what} must be at most ${max.toLocaleString("en")} characters.`)
    .superRefine(storable(what));

/**
 * A referral's or removal order's reference, taken verbatim: campaigns and the audit search look it
 * up with this same rule, so every reference intake stored can be asked for.
 */
export const FlagReference = text("flag.reference", LIMITS.reference);

const webUrl = (what: string) =>
  z
    .string({ invalid_type_error: `${what} must be a string.` })
    .max(LIMITS.url, `${what} must be at most ${LIMITS.url} characters.`)
    .superRefine(storable(what))
    .refine((s) => {
      try {
        const u = new URL(s);
        return u.protocol === "http:" || u.protocol === "https:";
      } catch {
        return false;
      }
    }, `${what} must be an absolute http or https URL.`);

const isoTime = (what: string) =>
  z
    .string({ invalid_type_error: `${what} must be an ISO 8601 time string.` })
    .datetime({ offset: true, message: `${what} must be an ISO 8601 time with a zone, e.g. 2024-03-26T10:00:00Z.` })
    .transform((s) => new Date(s))
    .refine((d) => !Number.isNaN(d.getTime()) && d.getUTCFullYear() >= 1990 && d.getUTCFullYear() <= 9999, `${what} is not a plausible time.`);

export const CONTENT_TYPES = ["text", "link", "image", "video", "audio", "document"] as const;

export const Content = z
  .object({
    externalId: identifier("content.externalId"),
    type: z.enum(CONTENT_TYPES, { errorMap: () => ({ message: `content.type must be one of ${CONTENT_TYPES.join(", ")}.` }) }),
    title: text("content.title", LIMITS.title).optional(),
    body: text("content.body", LIMITS.body).optional(),
    url: webUrl("content.url").optional(),
    mediaUrls: z.array(webUrl("content.mediaUrls[]")).max(LIMITS.mediaUrls, `content.mediaUrls holds at most ${LIMITS.mediaUrls} URLs.`).optional(),
    language: z
      .string({ invalid_type_error: "content.language must be a string." })
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/, "content.language must be a language tag such as en or pt-BR.")
      .optional(),
    postedAt: isoTime("content.postedAt").optional(),
    author: z
      .object({
        externalId: identifier("content.author.externalId").optional(),
        handle: text("content.author.handle", LIMITS.handle).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const FlagInput = z
  .object({
    externalId: identifier("flag.externalId").optional(),
    source: z.enum(SOURCES, { errorMap: () => ({ message: `flag.source must be one of ${SOURCES.join(", ")}.` }) }),
    reason: z
      .string({ invalid_type_error: "flag.reason must be a string." })
      .regex(/^[a-z][a-z0-9_]{0,63}$/, "flag.reason must be a category key: lower-case letters, digits and underscores."),
    note: text("flag.note", LIMITS.note).optional(),
    reporterId: identifier("flag.reporterId").optional(),
    reference: FlagReference.optional(),
    receivedAt: isoTime("flag.receivedAt")
      .refine((d) => d.getTime() <= currentTimeMs() + 5 * 60_000, "flag.receivedAt may not be in the future.")
      .optional(),
  })
  .strict();

export const FlagRequest = z
  .object({ content: Content, flag: FlagInput }, { invalid_type_error: "The body must be a JSON object with content and flag." })
  .strict();
export type FlagRequest = z.infer<typeof FlagRequest>;

export const BatchEnvelope = z
  .object(
    {
      flags: z
        .array(z.unknown(), { invalid_type_error: "flags must be an array.", required_error: "flags is required." })
        .min(1, "flags must hold at least one entry.")
        .max(LIMITS.batchSize, `A batch holds at most ${LIMITS.batchSize} flags.`),
    },
    { invalid_type_error: "The body must be a JSON object with a flags array." },
  )
  .strict();

/** The same field rules for other platform requests (appeals) that carry free text and times. */
export { text as freeText, isoTime };
