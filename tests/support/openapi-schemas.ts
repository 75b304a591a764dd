// Reading the OpenAPI document's schemas as a strict validator: JSON Schema 2020-12 (what OpenAPI 3.1
// uses), with every object closed, so an answer or an event carrying a field the document does not
// name fails.
import { Ajv2020 } from "ajv/dist/2020.js";

type Schema = Record<string, unknown>;

export const ajv = new Ajv2020({ allErrors: true, strictSchema: false });
ajv.addFormat("date-time", (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)));
ajv.addFormat("uri", (s: string) => URL.canParse(s));

/** A copy of a schema where every object with named properties refuses any other. */
export function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== "object") return schema;
  const out = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, closed(v)])) as Schema;
  if (out.properties && out.additionalProperties === undefined) out.unevaluatedProperties = false;
  return out;
}

type WebhooksDoc = {
  webhooks: Record<string, { post: { requestBody: { content: Record<string, { schema: Schema }> } } }>;
  components?: Record<string, unknown>;
};

/** Problems of a received webhook body against the event's schema in the document, or null when it conforms. */
export function webhookBodyProblem(doc: WebhooksDoc, type: string, body: unknown): string | null {
  const event = doc.webhooks[type];
  if (!event) return `the document describes no webhook event "${type}"`;
  const schema = event.post.requestBody.content["application/json"].schema;
  const validate = ajv.compile({ ...(closed(schema) as Schema), components: closed(doc.components ?? {}) });
  return validate(body) ? null : ajv.errorsText(validate.errors);
}
