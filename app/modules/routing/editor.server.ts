import { currentTime } from "~/modules/clock/clock.ts";
// Changing the routing rules. Published versions are frozen: every change happens in the one draft
// (copied from the live version), and publishing swaps the live version in one transaction with its
// audit event. See docs/decisions/029-versioned-routing-rules.md.
import { db, isUniqueViolation, transaction, type Tx } from "~/db.server.ts";
import { appendAuditEvent, type Actor } from "~/modules/audit/writer.server.ts";
import type { ApiIssue } from "~/modules/http/errors.server.ts";
import { newId } from "~/modules/ids.ts";
import { changedRuleFields } from "./diff.ts";
import { bumpRoutingGeneration } from "./live.server.ts";
import { publishWarnings, RoutingRule, RoutingRules } from "./rules.ts";
import { labelSetChoices, parseStoredRules, queueTargets } from "./versions.server.ts";

export type RoutingErrorCode = "not_found" | "conflict" | "invalid";

export class RoutingError extends Error {
  constructor(
    readonly code: RoutingErrorCode,
    message: string,
    /** Paths are the rule form's field names ("sources", "queueId"), or "changeNote", "acknowledgeWarnings". */
    readonly issues: ApiIssue[] = [],
  ) {
    super(message);
  }
}

export function httpStatusOf(error: RoutingError): number {
  return { not_found: 404, conflict: 409, invalid: 400 }[error.code];
}

const SUBJECT = "routing_version";
const userId = (actor: Actor) => (actor.kind === "user" ? actor.id : null);
const when = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** What a lead fills in for a rule; the id is the editor's to give. */
export type RuleInput = Omit<RoutingRule, "id">;

/**
 * The draft, starting one copied from the live version when there is none. Two leads starting at
 * once end up in the same draft: the "one draft" index decides on PostgreSQL, the write lock on SQLite.
 */
export async function startRoutingDraft(actor: Actor): Promise<{ versionId: string; number: number; created: boolean }> {
  const existing = await db.routingVersion.findFirst({ where: { status: "draft" }, select: { id: true, number: true } });
  if (existing) return { versionId: existing.id, number: existing.number, created: false };
  try {
    return await transaction(async (tx) => {
      const draft = await tx.routingVersion.findFirst({ where: { status: "draft" }, select: { id: true, number: true } });
      if (draft) return { versionId: draft.id, number: draft.number, created: false };
      const last = await tx.routingVersion.findFirst({ orderBy: { number: "desc" }, select: { number: true } });
      const live = await tx.routingVersion.findFirst({ where: { status: "published" }, select: { number: true, rules: true } });
      const versionId = newId();
      const number = (last?.number ?? 0) + 1;
      await tx.routingVersion.create({
        data: { id: versionId, number, status: "draft", rules: live?.rules ?? "[]", createdById: userId(actor) },
      });
      await appendAuditEvent(tx, {
        actor,
        action: "routing.draft_created",
        subjectType: SUBJECT,
        subjectId: versionId,
        payload: { versionId, number, fromNumber: live?.number ?? null },
      });
      return { versionId, number, created: true };
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const draft = await db.routingVersion.findFirst({ where: { status: "draft" }, select: { id: true, number: true } });
    if (!draft) throw new RoutingError("conflict", "Another lead changed the routing at the same moment; reload the page and try again.");
    return { versionId: draft.id, number: draft.number, created: false };
  }
}

/**
 * Takes the draft's row lock (PostgreSQL) or the write lock (SQLite) before reading it, so edits and
 * publishes of one draft run one after another and each sees what the other did. A draft that is
 * gone or frozen is a conflict the lead can act on, never a server error.
 */
async function lockDraft(tx: Tx, versionId: string) {
  const { count } = await tx.routingVersion.updateMany({ where: { id: versionId, status: "draft" }, data: { updatedAt: currentTime() } });
  const version = await tx.routingVersion.findUnique({ where: { id: versionId } });
  if (!version) throw new RoutingError("conflict", "That draft was discarded; nothing was changed. Start a new draft from the routing page.");
  if (count === 0) {
    const by = version.publishedById ? (await tx.user.findUnique({ where: { id: version.publishedById }, select: { email: true } }))?.email : null;
    throw new RoutingError(
      "conflict",
      `The draft was already published as version ${version.number}${by ? ` by ${by}` : ""}${version.publishedAt ? ` at ${when(version.publishedAt)}` : ""}; it is frozen now. Open the routing page to see the live rules, and start a new draft to change them further.`,
    );
  }
  return { ...version, rules: parseStoredRules(version.rules) };
}

async function writeRules(tx: Tx, versionId: string, rules: RoutingRule[]) {
  const checked = RoutingRules.safeParse(rules);
  if (!checked.success)
    throw new RoutingError("invalid", checked.error.issues[0]?.message ?? "These rules cannot be saved.", [
      { path: "form", message: checked.error.issues[0]?.message ?? "These rules cannot be saved." },
    ]);
  await tx.routingVersion.update({ where: { id: versionId }, data: { rules: JSON.stringify(checked.data) } });
}

/** A zod issue's path as the rule form's field: ["when", "sources", 2] → "sources". */
function fieldOf(path: (string | number)[]): string {
  const [head, sub] = path;
  if (head === "when") return typeof sub === "string" ? sub : "form";
  return typeof head === "string" ? head : "form";
}

/** The rule checked against the schema and against what exists now: a live queue, known label sets. */
async function checkedRule(tx: Tx, id: string, input: unknown): Promise<RoutingRule> {
  const parsed = RoutingRule.safeParse({ ...(typeof input === "object" && input !== null ? input : {}), id });
  const issues: ApiIssue[] = parsed.success
    ? []
    : parsed.error.issues.flatMap((i) =>
        // A field the rule does not have is named by itself, so the refusal says which one.
        i.code === "unrecognized_keys"
          ? i.keys.map((key) => ({ path: fieldOf([...i.path, key]), message: `A rule has no field “${key}”.` }))
          : [{ path: fieldOf(i.path), message: i.message }],
      );
  const raw = (input ?? {}) as { queueId?: unknown; when?: { labelSets?: unknown } };
  if (typeof raw.queueId === "string" && raw.queueId !== "" && !issues.some((i) => i.path === "queueId")) {
    const queue = (await queueTargets(tx)).get(raw.queueId);
    if (!queue) issues.push({ path: "queueId", message: "That queue does not exist; choose one from the list." });
    else if (queue.deleted) issues.push({ path: "queueId", message: `The queue "${queue.name}" was deleted; choose a live queue.` });
  }
  if (parsed.success && parsed.data.when.labelSets) {
    const known = new Set((await labelSetChoices(tx)).map((s) => s.key));
    const unknown = parsed.data.when.labelSets.filter((k) => !known.has(k));
    if (unknown.length) issues.push({ path: "labelSets", message: `labelSets: no label set has the key ${unknown.map((k) => `"${k}"`).join(", ")}.` });
  }
  if (issues.length || !parsed.success) throw new RoutingError("invalid", "Check the highlighted fields; nothing was saved.", issues);
  return parsed.data;
}

/** Adds a rule at the end of the draft (ruleId null) or edits one in place; the rule keeps its id across versions. */
export async function saveDraftRule(actor: Actor, versionId: string, ruleId: string | null, input: unknown): Promise<{ ruleId: string; changed: boolean }> {
  return transaction(async (tx) => {
    const draft = await lockDraft(tx, versionId);
    const at = ruleId ? draft.rules.findIndex((r) => r.id === ruleId) : -1;
    if (ruleId && at < 0) throw new RoutingError("not_found", "That rule is not in this draft; it may have been removed. Reload the draft.");
    const rule = await checkedRule(tx, ruleId ?? newId(), input);
    const base = { versionId, number: draft.number, ruleId: rule.id, ruleName: rule.name };
    if (at < 0) {
      await writeRules(tx, versionId, [...draft.rules, rule]);
      await appendAuditEvent(tx, {
        actor,
        action: "routing.draft_edited",
        subjectType: SUBJECT,
        subjectId: versionId,
        payload: { ...base, change: "rule_added" },
      });
      return { ruleId: rule.id, changed: true };
    }
    const fields = changedRuleFields(draft.rules[at], rule);
    if (fields.length === 0) return { ruleId: rule.id, changed: false };
    await writeRules(
      tx,
      versionId,
      draft.rules.map((r, i) => (i === at ? rule : r)),
    );
    await appendAuditEvent(tx, {
      actor,
      action: "routing.draft_edited",
      subjectType: SUBJECT,
      subjectId: versionId,
      payload: { ...base, change: "rule_edited", fields },
    });
    return { ruleId: rule.id, changed: true };
  });
}

/** Moves a rule one place up or down; the first and last rules stay where they are when pushed past the end. */
export async function moveDraftRule(actor: Actor, versionId: string, ruleId: string, direction: "up" | "down"): Promise<void> {
  await transaction(async (tx) => {
    const draft = await lockDraft(tx, versionId);
    const at = draft.rules.findIndex((r) => r.id === ruleId);
    if (at < 0) throw new RoutingError("not_found", "That rule is not in this draft; it may have been removed. Reload the draft.");
    const to = direction === "up" ? at - 1 : at + 1;
    if (to < 0 || to >= draft.rules.length) return;
    const rules = [...draft.rules];
    [rules[at], rules[to]] = [rules[to], rules[at]];
    await writeRules(tx, versionId, rules);
    const rule = draft.rules[at];
    await appendAuditEvent(tx, {
      actor,
      action: "routing.draft_edited",
      subjectType: SUBJECT,
      subjectId: versionId,
      payload: { versionId, number: draft.number, ruleId, ruleName: rule.name, change: "rule_moved", direction },
    });
  });
}

export async function removeDraftRule(actor: Actor, versionId: string, ruleId: string): Promise<{ name: string }> {
  return transaction(async (tx) => {
    const draft = await lockDraft(tx, versionId);
    const rule = draft.rules.find((r) => r.id === ruleId);
    if (!rule) throw new RoutingError("not_found", "That rule is not in this draft; it may have been removed already. Reload the draft.");
    await writeRules(
      tx,
      versionId,
      draft.rules.filter((r) => r.id !== ruleId),
    );
    await appendAuditEvent(tx, {
      actor,
      action: "routing.draft_edited",
      subjectType: SUBJECT,
      subjectId: versionId,
      payload: { versionId, number: draft.number, ruleId, ruleName: rule.name, change: "rule_removed" },
    });
    return { name: rule.name };
  });
}

const NOTE_MAX = 2000;

function checkedNote(changeNote: string, required: boolean): string {
  const note = changeNote.trim();
  if (note.length > NOTE_MAX)
    throw new RoutingError("invalid", "The change note is too long.", [{ path: "changeNote", message: `Keep the change note under ${NOTE_MAX} characters.` }]);
  if (required && note.length < 3)
    throw new RoutingError("invalid", "Say what changed and why: the change note is shown to every lead and auditor reading the history.", [
      { path: "changeNote", message: "Write a change note (at least 3 characters)." },
    ]);
  return note;
}

/**
 * Keeps the change note with the draft before publishing. Not an audit event of its own: the note
 * is recorded, as published, in the routing.published event.
 */
export async function saveDraftNote(versionId: string, changeNote: string): Promise<void> {
  const note = checkedNote(changeNote, false);
  await transaction(async (tx) => {
    await lockDraft(tx, versionId);
    await tx.routingVersion.update({ where: { id: versionId }, data: { changeNote: note } });
  });
}

/** Drops the draft (nothing routes by a draft, so nothing can point at it). */
export async function discardRoutingDraft(actor: Actor, versionId: string): Promise<void> {
  await transaction(async (tx) => {
    const draft = await lockDraft(tx, versionId);
    await tx.routingVersion.delete({ where: { id: versionId } });
    await appendAuditEvent(tx, {
      actor,
      action: "routing.draft_discarded",
      subjectType: SUBJECT,
      subjectId: versionId,
      payload: { versionId, number: draft.number },
    });
  });
}

/**
 * Publishes the draft: the routing generation first (so routings in flight finish under the old
 * rules and later ones read the new), then the live version retired, the draft frozen with who, when
 * and why, and the audit event. Warnings never refuse a publish, but a lead must say they read them.
 * A second lead publishing at the same moment waits for the first and then gets a conflict: never a
 * second live version (the partial unique index is the last line of defence).
 */
export async function publishRoutingDraft(
  actor: Actor,
  versionId: string,
  /** The warnings the lead read and accepted (the page lists them; an empty list accepts none). */
  input: { changeNote: string; acknowledgedWarnings: readonly string[] },
): Promise<{ versionId: string; number: number; retiredNumber: number | null; warnings: string[] }> {
  const note = checkedNote(input.changeNote, true);
  try {
    return await transaction(async (tx) => {
      await bumpRoutingGeneration(tx);
      const draft = await lockDraft(tx, versionId);
      const warnings = publishWarnings(draft.rules, await queueTargets(tx));
      // Only warnings the lead saw count as read: one that appeared since (a queue closed) asks again.
      const unread = warnings.filter((w) => !input.acknowledgedWarnings.includes(w));
      if (unread.length) {
        const readSome = input.acknowledgedWarnings.length > 0;
        throw new RoutingError(
          "invalid",
          readSome
            ? "New warnings appeared since the page was loaded; read them, then tick “I have read the warnings” again."
            : "Read the warnings, then tick “I have read the warnings” to publish anyway.",
          [
            {
              path: "acknowledgeWarnings",
              message: `Tick this to publish despite ${warnings.length === 1 ? "the warning" : `the ${warnings.length} warnings`}.`,
            },
          ],
        );
      }
      const now = currentTime();
      const live = await tx.routingVersion.findFirst({ where: { status: "published" }, select: { id: true, number: true } });
      if (live) await tx.routingVersion.update({ where: { id: live.id }, data: { status: "retired", retiredAt: now } });
      await tx.routingVersion.update({
        where: { id: versionId },
        data: { status: "published", publishedAt: now, publishedById: userId(actor), changeNote: note },
      });
      await appendAuditEvent(tx, {
        actor,
        action: "routing.published",
        subjectType: SUBJECT,
        subjectId: versionId,
        payload: { versionId, number: draft.number, changeNote: note, rules: draft.rules.length, warnings, retiredNumber: live?.number ?? null },
      });
      return { versionId, number: draft.number, retiredNumber: live?.number ?? null, warnings };
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new RoutingError("conflict", "Another lead published routing at the same moment; open the routing page to see the live rules.");
    throw error;
  }
}

/**
 * Replaces the rules with `rules` and publishes them in one go, reading (acknowledging) whatever
 * warnings they raise: for setups made by a program (the demo, an import), each step audited as a
 * lead's would be.
 */
export async function publishRuleSet(actor: Actor, rules: RuleInput[], changeNote: string) {
  const { versionId } = await startRoutingDraft(actor);
  const draft = await db.routingVersion.findUniqueOrThrow({ where: { id: versionId }, select: { rules: true } });
  for (const rule of RoutingRules.parse(JSON.parse(draft.rules))) await removeDraftRule(actor, versionId, rule.id);
  for (const rule of rules) await saveDraftRule(actor, versionId, null, rule);
  const saved = await db.routingVersion.findUniqueOrThrow({ where: { id: versionId }, select: { rules: true } });
  const warnings = publishWarnings(RoutingRules.parse(JSON.parse(saved.rules)), await queueTargets());
  return publishRoutingDraft(actor, versionId, { changeNote, acknowledgedWarnings: warnings });
}
