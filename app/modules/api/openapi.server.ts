import { OpenAPIRegistry, OpenApiGeneratorV31, extendZodWithOpenApi, type ResponseConfig, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import type { OpenAPIObject } from "openapi3-ts/oas31";
import { z } from "zod";
import { AppealReceived } from "~/modules/appeals/http.server.ts";
import { AppealRequest } from "~/modules/appeals/schema.ts";
import { AppealId, AppealStatusView } from "~/modules/appeals/status.server.ts";
import { StatementBatch } from "~/modules/audit/statement-of-reasons.ts";
import { TimeRange } from "~/modules/audit/range.ts";
import { API_SCOPES, SCOPE_DESCRIPTIONS, type ApiScope } from "~/modules/auth/scopes.ts";
import { DecisionFeedPage, FeedQuery } from "~/modules/decisions/feed.server.ts";
import { BatchAnswer, FlagTaken } from "~/modules/intake/http.server.ts";
import { BatchEnvelope, FlagRequest } from "~/modules/intake/schema.ts";
import { ExternalIdSegment, ItemStatusView } from "~/modules/items/status.server.ts";
import { PublishedLabelSets } from "~/modules/labels/live.server.ts";
import { TransparencyReport } from "~/modules/reporting/transparency.ts";
import { WEBHOOK_EVENT_DESCRIPTIONS, WEBHOOK_EVENT_TYPES } from "~/modules/webhooks/events.ts";
import { WEBHOOK_EVENT_BODIES } from "~/modules/webhooks/payloads.server.ts";
import { SecretRotated, SecretRotation, WebhookCreated, WebhookEndpointView, WebhookId, WebhookList, WebhookRegistration } from "~/modules/webhooks/schema.ts";
import { ENDPOINTS_PER_PLATFORM } from "~/modules/webhooks/endpoints.server.ts";
import { ErrorBody } from "./error-shape.ts";

// The platform API's OpenAPI 3.1 document, generated from the zod schemas the routes validate with
// and the modules shape their answers with (docs/decisions/045-openapi-from-zod.md). `.openapi()`
// exists only once this module has run: the console's browser bundle never loads it.
extendZodWithOpenApi(z);

export const OPENAPI_PATH = "/api/v1/openapi.json";

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429;

const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: "The request is invalid (code invalid_request, or invalid_json for a body that is not JSON); nothing was changed. issues names the offending fields.",
  401: "No API key, or an unknown or revoked one (code unauthorized).",
  403: "The key lacks the scope this endpoint needs (code missing_scope); issues names the scope.",
  404: "Not found (code not_found).",
  409: "The request conflicts with what is already recorded.",
  413: "The body is over the size limit (code payload_too_large); nothing was changed.",
  422: "The request is well-formed but cannot be accepted.",
  429: "Too many requests for this key (code rate_limited); wait the seconds Retry-After names.",
};

type Operation = {
  operationId: string;
  method: "get" | "post" | "delete";
  path: string;
  tag: string;
  /** The scope the route demands (its `access` export); null for the public document itself. */
  scope: ApiScope | null;
  summary: string;
  description: string;
  request?: RouteConfig["request"];
  responses: Record<number, ResponseConfig>;
  /** The refusals beyond the key's own (401, 403, 429), with a sentence where the general one says too little. */
  errors?: Partial<Record<ErrorStatus, string | true>>;
};

const json = (schema: z.ZodTypeAny) => ({ "application/json": { schema } });
const WebhookIdParam = WebhookId.describe("The id POST /api/v1/webhooks answered.");

function build(): OpenAPIObject {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: `A platform's API key, sent as 'Authorization: Bearer <key>'. An admin creates keys on the console's API keys page and grants each some of these scopes: ${API_SCOPES.map((s) => `${s} (${SCOPE_DESCRIPTIONS[s]})`).join("; ")}`,
  });

  const error = registry.register("Error", ErrorBody);
  const flagRequest = registry.register("FlagRequest", FlagRequest);
  const flagTaken = registry.register("FlagTaken", FlagTaken);
  const statementBatch = registry.register("StatementBatch", StatementBatch);
  const transparencyReport = registry.register("TransparencyReport", TransparencyReport);
  const webhookEndpoint = registry.register("WebhookEndpoint", WebhookEndpointView);
  // Batch entries are each checked against the flag schema on their own, so one bad entry refuses
  // only itself: the envelope takes any JSON values, and every value it should hold is a FlagRequest.
  const batchRequest = registry.register(
    "BatchRequest",
    BatchEnvelope.extend({ flags: BatchEnvelope.shape.flags.openapi({ items: { $ref: "#/components/schemas/FlagRequest" } }) }),
  );

  const operations: Operation[] = [
    {
      operationId: "sendFlag",
      method: "post",
      path: "/api/v1/flags",
      tag: "Intake",
      scope: "flags:write",
      summary: "Send one flag",
      description:
        "A user notice, trusted-flagger notice, authority referral, removal order or automated detection about one piece of content. Flags about the same content (same platform and content.externalId) attach to one item. A flag.externalId makes the call idempotent.",
      request: { body: { required: true, content: json(flagRequest) } },
      responses: {
        201: { description: "The flag was taken.", content: json(flagTaken) },
        200: { description: "A flag with this flag.externalId was already taken: the same ids, nothing stored twice.", content: json(flagTaken) },
      },
      errors: { 400: true, 413: true },
    },
    {
      operationId: "sendFlagBatch",
      method: "post",
      path: "/api/v1/flags/batch",
      tag: "Intake",
      scope: "flags:write",
      summary: "Send up to 1,000 flags",
      description:
        "Each entry is a flag as POST /api/v1/flags takes it and is answered on its own: bad entries are refused (status 400 in their result), good ones taken. The whole request is refused only when it is not a batch at all.",
      request: { body: { required: true, content: json(batchRequest) } },
      responses: { 200: { description: "One result per entry, in the order sent.", content: json(BatchAnswer) } },
      errors: { 400: true, 413: true },
    },
    {
      operationId: "readDecisions",
      method: "get",
      path: "/api/v1/decisions",
      tag: "Decisions",
      scope: "decisions:read",
      summary: "Read the decisions feed",
      description:
        "Decisions on the platform's items in commit order. Resume after the last nextCursor seen and nothing is missed. A decision that replaces an earlier one (appeal overturn, quality correction) names it in supersedes.",
      request: { query: FeedQuery },
      responses: { 200: { description: "A page of the feed.", content: json(DecisionFeedPage) } },
      errors: { 400: true },
    },
    {
      operationId: "readStatementsOfReasons",
      method: "get",
      path: "/api/v1/statements-of-reasons",
      tag: "Statements of reasons",
      scope: "statements:read",
      summary: "Read DSA statements of reasons",
      description:
        "The statements of reasons (DSA Art. 17) for the platform's restricting decisions in the half-open range [from, to), as NDJSON: each line is one StatementBatch of at most 100 statements, ready to POST unchanged to the Transparency Database. An empty range answers an empty body.",
      request: { query: TimeRange },
      responses: {
        200: {
          description: "NDJSON; every line is one JSON object of this schema.",
          headers: z.object({ "X-Docket-Statement-Count": z.string().regex(/^\d+$/).describe("How many statements the body holds.") }),
          content: { "application/x-ndjson": { schema: statementBatch } },
        },
      },
      errors: { 400: true },
    },
    {
      operationId: "readTransparencyReport",
      method: "get",
      path: "/api/v1/transparency-report",
      tag: "Reports",
      scope: "reports:read",
      summary: "Read the transparency report",
      description:
        "The platform's transparency report (DSA Art. 15 and 24, TCO Regulation Art. 7) for the whole UTC days of [from, to): notices by source and category, actions by type and ground, median times, use of automated means, complaints and their outcomes, and removal orders. Every figure carries the rule it counts by and the console audit search that re-counts it.",
      request: {
        query: z.object({
          from: z.string().describe("First day: a UTC midnight (2026-01-01T00:00:00Z) or a date (2026-01-01)."),
          to: z.string().describe("The day after the last: a UTC midnight or a date, after from; at most 731 days later."),
        }),
      },
      responses: { 200: { description: "The report.", content: json(transparencyReport) } },
      errors: { 400: true },
    },
    {
      operationId: "readLabelSets",
      method: "get",
      path: "/api/v1/label-sets",
      tag: "Label sets",
      scope: "labels:read",
      summary: "Read the live label sets",
      description: "Every label set's live (published) version with its labels in use, so a platform can show its users the rules it enforces.",
      responses: { 200: { description: "The live label sets.", content: json(PublishedLabelSets) } },
    },
    {
      operationId: "readItem",
      method: "get",
      path: "/api/v1/items/{externalId}",
      tag: "Items",
      scope: "items:read",
      summary: "Read where an item stands",
      description:
        "One of the platform's items by the content.externalId it was flagged with, percent-encoded as one path segment: its state, queue, deadline, cluster and decisions. Another platform's item is as unknown as a missing one.",
      request: { params: z.object({ externalId: ExternalIdSegment.describe("The content.externalId, encoded with encodeURIComponent.") }) },
      responses: { 200: { description: "The item's status.", content: json(ItemStatusView) } },
      errors: { 400: true, 404: "This platform has no item with that externalId (code not_found)." },
    },
    {
      operationId: "lodgeAppeal",
      method: "post",
      path: "/api/v1/appeals",
      tag: "Appeals",
      scope: "appeals:write",
      summary: "Lodge an appeal against a decision",
      description:
        "The complaint (DSA Art. 20) of the content's author or of the person who reported it, against a decision named by its feed id (decisionId) or by the item (itemExternalId, its latest decision). An appeal's externalId makes the call idempotent.",
      request: { body: { required: true, content: json(AppealRequest) } },
      responses: {
        201: { description: "The appeal was received.", content: json(AppealReceived) },
        200: { description: "An appeal with this externalId was already received: the same ids.", content: json(AppealReceived) },
      },
      errors: {
        400: true,
        404: "No such decision or item on this platform (code not_found).",
        409: "The appeal is not admissible as things stand, e.g. an appeal by this appellant is already open, or its externalId names another appeal.",
        413: true,
        422: "The appeal is not admissible under DSA Art. 20, e.g. the appellant has no standing or the six months have passed.",
      },
    },
    {
      operationId: "readAppeal",
      method: "get",
      path: "/api/v1/appeals/{appealId}",
      tag: "Appeals",
      scope: "appeals:write",
      summary: "Read an appeal's outcome",
      description: "Where one of the platform's appeals stands and, once decided, its outcome and the answer for the appellant.",
      request: { params: z.object({ appealId: AppealId }) },
      responses: { 200: { description: "The appeal.", content: json(AppealStatusView) } },
      errors: { 400: true, 404: "This platform has no appeal with that appealId (code not_found)." },
    },
    {
      operationId: "registerWebhook",
      method: "post",
      path: "/api/v1/webhooks",
      tag: "Webhooks",
      scope: "webhooks:manage",
      summary: "Register a webhook endpoint",
      description:
        "An https URL of the platform's and the event types it wants. The signing secret is in this answer only. URLs that resolve to private, link-local or metadata addresses are refused. Deliveries follow the Standard Webhooks specification; the events are described in this document's webhooks section.",
      request: { body: { required: true, content: json(WebhookRegistration) } },
      responses: { 201: { description: "The endpoint was registered; copy the secret now.", content: json(WebhookCreated) } },
      errors: {
        400: "The registration is invalid (code invalid_request) or its URL is refused (code invalid_url); issues names why.",
        409: `The platform already has ${ENDPOINTS_PER_PLATFORM} endpoints (code too_many_endpoints); delete one first.`,
        413: true,
      },
    },
    {
      operationId: "listWebhooks",
      method: "get",
      path: "/api/v1/webhooks",
      tag: "Webhooks",
      scope: "webhooks:manage",
      summary: "List the platform's webhook endpoints",
      description: "Every endpoint of the platform, enabled or disabled; never a secret.",
      responses: { 200: { description: "The endpoints.", content: json(WebhookList) } },
    },
    {
      operationId: "readWebhook",
      method: "get",
      path: "/api/v1/webhooks/{webhookId}",
      tag: "Webhooks",
      scope: "webhooks:manage",
      summary: "Read a webhook endpoint",
      description: "One of the platform's endpoints; never its secret.",
      request: { params: z.object({ webhookId: WebhookIdParam }) },
      responses: { 200: { description: "The endpoint.", content: json(webhookEndpoint) } },
      errors: { 400: true, 404: "This platform has no endpoint with that id (code not_found)." },
    },
    {
      operationId: "deleteWebhook",
      method: "delete",
      path: "/api/v1/webhooks/{webhookId}",
      tag: "Webhooks",
      scope: "webhooks:manage",
      summary: "Delete a webhook endpoint",
      description: "The endpoint receives nothing more; its pending deliveries are given up.",
      request: { params: z.object({ webhookId: WebhookIdParam }) },
      responses: { 204: { description: "Deleted." } },
      errors: { 400: true, 404: "This platform has no endpoint with that id (code not_found)." },
    },
    {
      operationId: "rotateWebhookSecret",
      method: "post",
      path: "/api/v1/webhooks/{webhookId}/rotate-secret",
      tag: "Webhooks",
      scope: "webhooks:manage",
      summary: "Rotate a webhook endpoint's signing secret",
      description:
        "A new secret, shown in this answer only. Until previousValidUntil every delivery is signed with both secrets, so the receiver can switch without losing one.",
      request: {
        params: z.object({ webhookId: WebhookIdParam }),
        body: { required: false, content: json(SecretRotation) },
      },
      responses: { 200: { description: "The new secret.", content: json(SecretRotated) } },
      errors: { 400: true, 404: "This platform has no endpoint with that id (code not_found).", 413: true },
    },
    {
      operationId: "readOpenApiDocument",
      method: "get",
      path: OPENAPI_PATH,
      tag: "Reference",
      scope: null,
      summary: "This document",
      description: "The OpenAPI 3.1 document of the platform API. Public: it needs no API key.",
      responses: {
        200: {
          description: "An OpenAPI 3.1 document.",
          content: json(
            z
              .object({ openapi: z.string().regex(/^3\.1\.\d+$/), info: z.object({ title: z.string(), version: z.string() }).catchall(z.unknown()) })
              .catchall(z.unknown())
              .describe("The rest of the document as the OpenAPI 3.1 specification defines it."),
          ),
        },
      },
    },
  ];

  for (const op of operations) {
    const refusals: Partial<Record<ErrorStatus, string | true>> = op.scope ? { 401: true, 403: true, ...op.errors, 429: true } : { ...op.errors };
    const responses: RouteConfig["responses"] = { ...op.responses };
    for (const [status, text] of Object.entries(refusals) as [string, string | true][]) {
      responses[status] = {
        description: text === true ? ERROR_DESCRIPTIONS[Number(status) as ErrorStatus] : text,
        ...(status === "429" ? { headers: z.object({ "Retry-After": z.string().regex(/^\d+$/).describe("Seconds until the key may call again.") }) } : {}),
        content: json(error),
      };
    }
    registry.registerPath({
      method: op.method,
      path: op.path,
      operationId: op.operationId,
      tags: [op.tag],
      summary: op.summary,
      description: op.scope ? `${op.description}\n\nRequires the \`${op.scope}\` scope.` : op.description,
      security: op.scope ? [{ apiKey: [] }] : [],
      ...(op.scope ? { "x-required-scope": op.scope } : {}),
      request: op.request,
      responses,
    });
  }

  const signatureHeaders = z.object({
    "webhook-id": z.string().describe("The message id (msg_...): the same on every retry and resend, so a receiver drops duplicates by it."),
    "webhook-timestamp": z.string().regex(/^\d+$/).describe("When this attempt was sent, in seconds since the epoch; refuse one too far from your clock."),
    "webhook-signature": z
      .string()
      .describe("Space-separated v1,<base64 HMAC-SHA256 over 'id.timestamp.body' with the endpoint's secret>; two while a rotated secret still signs."),
  });
  for (const type of WEBHOOK_EVENT_TYPES) {
    registry.registerWebhook({
      method: "post",
      path: type,
      operationId: `event.${type}`,
      tags: ["Webhooks"],
      summary: type,
      description: `${WEBHOOK_EVENT_DESCRIPTIONS[type]} Sent to every endpoint of the item's platform subscribed to ${type}, signed per the Standard Webhooks specification (verify with any Standard Webhooks library and the endpoint's whsec_ secret).`,
      request: { headers: signatureHeaders, body: { required: true, content: json(WEBHOOK_EVENT_BODIES[type]) } },
      responses: {
        200: {
          description:
            "Any 2xx answer acknowledges the delivery. Anything else (redirects included, never followed), a timeout or no connection is retried with backoff for about three days.",
        },
      },
    });
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Docket platform API",
      version: "1",
      description:
        "How a platform sends flags to Docket, follows its decisions, lodges appeals and receives signed webhooks. Every refusal has the shape { error: { code, message, issues: [{ path, message }] } }.",
    },
    tags: [
      { name: "Intake", description: "Flags, notices, referrals and removal orders." },
      { name: "Decisions", description: "What was decided on the platform's items." },
      { name: "Statements of reasons", description: "DSA Art. 17 statements for the Transparency Database." },
      { name: "Reports", description: "Transparency reports (DSA Art. 15 and 24, TCO Regulation Art. 7)." },
      { name: "Label sets", description: "The rules decisions are made under." },
      { name: "Items", description: "Where one item stands." },
      { name: "Appeals", description: "Complaints against decisions (DSA Art. 20)." },
      { name: "Webhooks", description: "Signed events sent to the platform's endpoints." },
      { name: "Reference", description: "This document." },
    ],
  });
}

let built: OpenAPIObject | null = null;

/** The document, built once per process: it depends on the code alone. */
export function openApiDocument(): OpenAPIObject {
  built ??= build();
  return built;
}
