import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/ui/data-table.tsx";
import { PageHeader } from "~/components/ui/page.tsx";
import { OPENAPI_PATH, openApiDocument } from "~/modules/api/openapi.server.ts";
import { referenceOf, type FieldRow, type OperationView } from "~/modules/api/reference.ts";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";

export const access: Access = { kind: "user", capability: "api:reference" };
export const meta: MetaFunction = () => [{ title: "API reference · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCapability(request, "api:reference");
  return json({ ...referenceOf(openApiDocument()), documentPath: OPENAPI_PATH });
}

const anchor = (id: string) => `op-${id.replace(/[^A-Za-z0-9_-]/g, "-")}`;

function Fields({ caption, fields }: { caption: string; fields: FieldRow[] }) {
  if (fields.length === 0) return null;
  return (
    <DataTable className="mb-3" caption={caption} columns={["Field", "Type", "Required", "Description"]}>
      {fields.map((f, i) => (
        <tr key={`${f.field}-${i}`} className="border-t border-slate-100 align-top">
          <th scope="row" className="px-3 py-2 text-left font-mono font-normal break-all">
            {f.field}
          </th>
          <td className="px-3 py-2">{f.type}</td>
          <td className="px-3 py-2">{f.required ? "yes" : "no"}</td>
          <td className="px-3 py-2">{f.description}</td>
        </tr>
      ))}
    </DataTable>
  );
}

function Operation({ op, what }: { op: OperationView; what: "operation" | "event" }) {
  const title = what === "event" ? op.path : `${op.method} ${op.path}`;
  return (
    <section id={anchor(op.id)} aria-labelledby={`${anchor(op.id)}-title`} className="mb-8 border-t border-slate-200 pt-4">
      <h3 id={`${anchor(op.id)}-title`} className="font-mono text-base font-semibold">
        {title}
      </h3>
      <p className="mt-1 font-medium">{op.summary}</p>
      <p className="mt-1 text-sm whitespace-pre-line text-slate-700">{op.description}</p>
      {what === "operation" ? (
        <p className="mt-1 text-sm">
          <span className="font-medium">Scope: </span>
          {op.scope ? <code>{op.scope}</code> : "none (public)"}
        </p>
      ) : null}
      {op.parameters.length > 0 ? (
        <>
          <h4 className="mt-3 mb-1 text-sm font-semibold">{what === "event" ? "Headers" : "Parameters"}</h4>
          <DataTable className="mb-3" caption={`Parameters of ${title}`} columns={["Name", "In", "Type", "Required", "Description"]}>
            {op.parameters.map((p) => (
              <tr key={`${p.in}-${p.name}`} className="border-t border-slate-100 align-top">
                <th scope="row" className="px-3 py-2 text-left font-mono font-normal">
                  {p.name}
                </th>
                <td className="px-3 py-2">{p.in}</td>
                <td className="px-3 py-2">{p.type}</td>
                <td className="px-3 py-2">{p.required ? "yes" : "no"}</td>
                <td className="px-3 py-2">{p.description}</td>
              </tr>
            ))}
          </DataTable>
        </>
      ) : null}
      {op.body ? (
        <>
          <h4 className="mt-3 mb-1 text-sm font-semibold">
            {what === "event" ? "Body" : "Request body"} ({op.body.contentType}
            {op.body.schemaName ? `, ${op.body.schemaName}` : ""}
            {op.body.required ? "" : ", optional"})
          </h4>
          <Fields caption={`Request body of ${title}`} fields={op.body.fields} />
        </>
      ) : null}
      <h4 className="mt-3 mb-1 text-sm font-semibold">Responses</h4>
      <DataTable className="mb-3" caption={`Responses of ${title}`} columns={["Status", "Meaning", "Body"]}>
        {op.responses.map((r) => (
          <tr key={r.status} className="border-t border-slate-100 align-top">
            <th scope="row" className="px-3 py-2 text-left font-mono font-normal">
              {r.status}
            </th>
            <td className="px-3 py-2">{r.description}</td>
            <td className="px-3 py-2">{r.contentType ? `${r.contentType}${r.schemaName ? `, ${r.schemaName}` : ""}` : "none"}</td>
          </tr>
        ))}
      </DataTable>
      {op.responses
        .filter((r) => r.fields.length > 0)
        .map((r) => (
          <div key={r.status}>
            <h5 className="mt-2 mb-1 text-sm font-medium">Response {r.status}</h5>
            <Fields caption={`Response ${r.status} of ${title}`} fields={r.fields} />
          </div>
        ))}
    </section>
  );
}

export default function ApiReference() {
  const { tags, events, errorFields, documentPath } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="API reference"
        description={
          <>
            The platform API, read from its OpenAPI 3.1 document (
            <a href={documentPath} className="text-blue-800 underline">
              {documentPath}
            </a>
            ). Every call sends an API key as <code>Authorization: Bearer &lt;key&gt;</code>; each endpoint needs one scope of the key.
          </>
        }
      />
      <nav aria-label="Endpoints" className="mb-6 text-sm">
        <ul className="columns-1 sm:columns-2">
          {tags.map((t) => (
            <li key={t.name} className="mb-2 break-inside-avoid">
              <span className="font-medium">{t.name}</span>
              <ul className="ml-4">
                {t.operations.map((op) => (
                  <li key={op.id}>
                    <a href={`#${anchor(op.id)}`} className="font-mono text-blue-800 underline">
                      {op.method} {op.path}
                    </a>
                  </li>
                ))}
              </ul>
            </li>
          ))}
          <li className="mb-2 break-inside-avoid">
            <a href="#webhook-events" className="font-medium text-blue-800 underline">
              Webhook events
            </a>
          </li>
        </ul>
      </nav>
      <section aria-labelledby="errors-title" className="mb-8">
        <h2 id="errors-title" className="mb-2 text-xl font-semibold">
          Errors
        </h2>
        <p className="mb-2 text-sm">Every refusal (4xx) has one shape:</p>
        <Fields caption="The error shape" fields={errorFields} />
      </section>
      {tags.map((t) => (
        <section key={t.name} aria-labelledby={`tag-${anchor(t.name)}`} className="mb-8">
          <h2 id={`tag-${anchor(t.name)}`} className="text-xl font-semibold">
            {t.name}
          </h2>
          {t.description ? <p className="mb-2 text-sm text-slate-600">{t.description}</p> : null}
          {t.operations.map((op) => (
            <Operation key={op.id} op={op} what="operation" />
          ))}
        </section>
      ))}
      <section id="webhook-events" aria-labelledby="webhook-events-title">
        <h2 id="webhook-events-title" className="text-xl font-semibold">
          Webhook events
        </h2>
        <p className="mb-2 text-sm text-slate-600">
          Docket sends each event as a POST to the platform&apos;s subscribed endpoints, signed per the Standard Webhooks specification.
        </p>
        {events.map((op) => (
          <Operation key={op.id} op={op} what="event" />
        ))}
      </section>
    </>
  );
}
