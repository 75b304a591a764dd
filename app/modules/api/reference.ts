// The OpenAPI document read back as tables for the console's API reference page: each operation's
// parameters, request body fields and responses, in the document's own words.

type Schema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  default?: unknown;
};

type Document = {
  paths?: Record<string, Record<string, OperationObject>>;
  webhooks?: Record<string, Record<string, OperationObject>>;
  tags?: { name: string; description?: string }[];
  components?: { schemas?: Record<string, Schema> };
};

type OperationObject = {
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  "x-required-scope"?: string;
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: Schema }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
};

export type FieldRow = { field: string; type: string; required: boolean; description: string };
export type ResponseRow = { status: string; description: string; contentType: string | null; schemaName: string | null; fields: FieldRow[] };
export type OperationView = {
  id: string;
  method: string;
  path: string;
  scope: string | null;
  summary: string;
  description: string;
  parameters: { name: string; in: string; type: string; required: boolean; description: string }[];
  body: { contentType: string; required: boolean; schemaName: string | null; fields: FieldRow[] } | null;
  responses: ResponseRow[];
};
export type TagView = { name: string; description: string; operations: OperationView[] };

const MAX_DEPTH = 6;

const refName = (s: Schema | undefined) => (s?.$ref ? s.$ref.split("/").pop()! : null);

function resolve(doc: Document, s: Schema): Schema {
  const name = refName(s);
  return name ? (doc.components?.schemas?.[name] ?? {}) : s;
}

function constraints(s: Schema): string[] {
  const out: string[] = [];
  if (s.minLength !== undefined) out.push(`at least ${s.minLength} characters`);
  if (s.maxLength !== undefined) out.push(`at most ${s.maxLength} characters`);
  if (s.minimum !== undefined) out.push(`≥ ${s.minimum}`);
  if (s.maximum !== undefined) out.push(`≤ ${s.maximum}`);
  if (s.minItems !== undefined) out.push(`at least ${s.minItems} entries`);
  if (s.maxItems !== undefined) out.push(`at most ${s.maxItems} entries`);
  if (s.pattern !== undefined) out.push(`matches ${s.pattern}`);
  if (s.default !== undefined) out.push(`default ${JSON.stringify(s.default)}`);
  return out;
}

/** A schema's type in words: "string (date-time) or null", "one of keep, remove", "array of object". */
export function typeOf(doc: Document, raw: Schema): string {
  const s = resolve(doc, raw);
  const name = refName(raw);
  if (s.enum) return `one of ${s.enum.map((v) => JSON.stringify(v)).join(", ")}`;
  if (s.oneOf || s.anyOf) return (s.oneOf ?? s.anyOf)!.map((v) => typeOf(doc, v)).join(" or ");
  const types = [s.type ?? (s.properties ? "object" : "any")].flat();
  const words = types.map((t) => {
    if (t === "array") return `array of ${s.items ? typeOf(doc, s.items) : "any"}`;
    if (t === "object" && name) return name;
    return s.format && t === "string" ? `string (${s.format})` : t;
  });
  return words.join(" or ");
}

function describe(s: Schema): string {
  return [s.description, ...constraints(s)].filter(Boolean).join("; ");
}

/** Every field of an object schema, nested fields as dotted paths and array entries as `[]`. */
export function fieldRows(doc: Document, raw: Schema, prefix = "", depth = 0): FieldRow[] {
  const s = resolve(doc, raw);
  if (depth > MAX_DEPTH) return [];
  if (s.items && !s.properties) return fieldRows(doc, s.items, `${prefix}[]`, depth + 1);
  const variants = s.oneOf ?? s.anyOf;
  if (variants) {
    return variants.flatMap((v, i) => {
      const rows = fieldRows(doc, v, prefix, depth + 1);
      return rows.map((r) => ({ ...r, description: `(form ${i + 1} of ${variants.length}) ${r.description}`.trim() }));
    });
  }
  const rows: FieldRow[] = [];
  for (const [key, child] of Object.entries(s.properties ?? {})) {
    const field = prefix ? `${prefix}.${key}` : key;
    const resolved = resolve(doc, child);
    rows.push({ field, type: typeOf(doc, child), required: (s.required ?? []).includes(key), description: describe(resolved) });
    const inner = resolved.items ? resolve(doc, resolved.items) : resolved;
    if (inner.properties || inner.oneOf || inner.anyOf) rows.push(...fieldRows(doc, resolved, field, depth + 1));
  }
  return rows;
}

function operationView(doc: Document, method: string, path: string, op: OperationObject): OperationView {
  const [bodyType, bodyMedia] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
  return {
    id: op.operationId ?? `${method} ${path}`,
    method: method.toUpperCase(),
    path,
    scope: op["x-required-scope"] ?? null,
    summary: op.summary ?? "",
    description: op.description ?? "",
    parameters: (op.parameters ?? []).map((p) => ({
      name: p.name,
      in: p.in,
      type: p.schema ? typeOf(doc, p.schema) : "any",
      required: Boolean(p.required),
      description: p.schema ? describe({ ...p.schema, description: p.description ?? p.schema.description }) : (p.description ?? ""),
    })),
    body:
      bodyType && bodyMedia?.schema
        ? {
            contentType: bodyType,
            required: Boolean(op.requestBody?.required),
            schemaName: refName(bodyMedia.schema),
            fields: fieldRows(doc, bodyMedia.schema),
          }
        : null,
    responses: Object.entries(op.responses ?? {}).map(([status, r]) => {
      const [contentType, media] = Object.entries(r.content ?? {})[0] ?? [null, undefined];
      const schemaName = refName(media?.schema);
      // The error shape is the same everywhere: the page shows it once.
      const fields = media?.schema && schemaName !== "Error" ? fieldRows(doc, media.schema) : [];
      return { status, description: r.description ?? "", contentType, schemaName, fields };
    }),
  };
}

/** The document's operations grouped by tag in the document's tag order, then its webhook events. */
export function referenceOf(document: unknown): { tags: TagView[]; events: OperationView[]; errorFields: FieldRow[] } {
  const doc = document as Document;
  const tags: TagView[] = (doc.tags ?? []).map((t) => ({ name: t.name, description: t.description ?? "", operations: [] }));
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      const tagName = op.tags?.[0] ?? "Other";
      let tag = tags.find((t) => t.name === tagName);
      if (!tag) tags.push((tag = { name: tagName, description: "", operations: [] }));
      tag.operations.push(operationView(doc, method, path, op));
    }
  }
  const events = Object.entries(doc.webhooks ?? {}).flatMap(([name, item]) => Object.entries(item).map(([method, op]) => operationView(doc, method, name, op)));
  const error = doc.components?.schemas?.Error;
  return { tags: tags.filter((t) => t.operations.length > 0), events, errorFields: error ? fieldRows(doc, error) : [] };
}
