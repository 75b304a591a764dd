import { db, transaction, type Tx } from "~/db.server.ts";
import { appendAuditEvent, type Actor } from "~/modules/audit/writer.server.ts";
import { templateIssues } from "./answer.ts";
import { AppealError } from "./errors.ts";
import { APPEAL_OUTCOMES, type AppealOutcome } from "./standing.ts";

export type AnswerTemplates = Record<AppealOutcome, { body: string; updatedAt: Date; updatedById: string | null }>;

/** The answer templates, one per outcome (migration 100 installs the first ones). */
export async function answerTemplates(client: Tx | typeof db = db): Promise<AnswerTemplates> {
  const rows = await client.appealAnswerTemplate.findMany();
  const out = {} as AnswerTemplates;
  for (const outcome of APPEAL_OUTCOMES) {
    const row = rows.find((r) => r.outcome === outcome);
    if (!row) throw new Error(`the answer template for ${outcome} is missing`);
    out[outcome] = { body: row.body, updatedAt: row.updatedAt, updatedById: row.updatedById };
  }
  return out;
}

/** A lead's new wording for one outcome's answer; refused (400) when it drops the summary or names an unknown placeholder. */
export async function updateAnswerTemplate(actor: Extract<Actor, { kind: "user" }>, outcome: AppealOutcome, body: string): Promise<void> {
  const text = body.replace(/\r\n/g, "\n").trim();
  const issues = templateIssues(text);
  if (issues.length > 0) throw new AppealError(400, "invalid_template", issues.join(" "), `${outcome}`);
  await transaction(async (tx) => {
    await tx.appealAnswerTemplate.update({ where: { outcome }, data: { body: text, updatedById: actor.id } });
    await appendAuditEvent(tx, {
      actor,
      action: "appeal_template.updated",
      subjectType: "appeal_template",
      subjectId: outcome,
      payload: { outcome, body: text },
    });
  });
}
