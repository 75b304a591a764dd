import { db, transaction, type Tx } from "~/db.server.ts";
import { appendAuditEvent, type Actor } from "~/modules/audit/writer.server.ts";

/** The leads' quality and care settings (one row, installed by migration 110). */
export type QualitySettings = {
  calibrationPercent: number;
  showExplanation: boolean;
  shiftHours: number;
  highSeverityCap: number | null;
  highSeverityFrom: number;
};

export async function qualitySettings(client: Tx | typeof db = db): Promise<QualitySettings> {
  const row = await client.qualitySettings.findUnique({ where: { id: 1 } });
  if (!row) throw new Error("the quality settings row is missing (migration 110)");
  return {
    calibrationPercent: row.calibrationPercent,
    showExplanation: row.showExplanation,
    shiftHours: row.shiftHours,
    highSeverityCap: row.highSeverityCap,
    highSeverityFrom: row.highSeverityFrom,
  };
}

/** Saves the settings and records them; the caller has checked them (see quality/settings-form.ts). */
export async function saveQualitySettings(actor: Extract<Actor, { kind: "user" }>, settings: QualitySettings): Promise<void> {
  await transaction(async (tx) => {
    await tx.qualitySettings.update({ where: { id: 1 }, data: { ...settings, updatedById: actor.id } });
    await appendAuditEvent(tx, { actor, action: "quality.settings_changed", subjectType: "quality_settings", subjectId: "1", payload: settings });
  });
}
