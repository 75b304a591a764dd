// The answer an appellant reads: a template the policy leads keep per outcome, filled in, with the
// notice of out-of-court dispute settlement (DSA Art. 21) always after it. No moderator's name may
// appear in it (Art. 20 asks for reasons, not reviewers).

export const DISPUTE_SETTLEMENT_NOTICE =
  "If you disagree with this outcome, you may refer the dispute to a certified out-of-court dispute settlement body " +
  "(Article 21 of the Digital Services Act). You also keep the right to take the matter to court.";

export const ANSWER_PLACEHOLDERS = {
  summary: "the reviewer's summary of the reasons",
  decisionDate: "the date of the contested decision",
  decisionAction: "what the contested decision did",
  newAction: "what the content is now (for an overturn or a modification)",
} as const;
export type AnswerPlaceholder = keyof typeof ANSWER_PLACEHOLDERS;

export const ACTION_WORDS: Record<string, string> = {
  keep: "kept available",
  remove: "removed",
  restrict: "restricted",
  escalate: "handed to a policy lead",
};

export const TEMPLATE_MAX = 4000;
export const SUMMARY_MAX = 2000;

/** What is wrong with a template body, or nothing: it must carry the summary and only known placeholders. */
export function templateIssues(body: string): string[] {
  const issues: string[] = [];
  if (body.trim().length === 0) issues.push("The template is empty.");
  if (body.length > TEMPLATE_MAX) issues.push(`A template is at most ${TEMPLATE_MAX} characters.`);
  if (!body.includes("{summary}")) issues.push("The template must include {summary}: the appellant is owed the reasons.");
  for (const [, name] of body.matchAll(/\{([^{}]*)\}/g)) {
    if (!Object.prototype.hasOwnProperty.call(ANSWER_PLACEHOLDERS, name)) issues.push(`Unknown placeholder {${name}}.`);
  }
  return issues;
}

export function renderAnswer(template: string, values: Record<AnswerPlaceholder, string>): string {
  const filled = template.replace(/\{(summary|decisionDate|decisionAction|newAction)\}/g, (_, name: AnswerPlaceholder) => values[name]);
  return `${filled.trim()}\n\n${DISPUTE_SETTLEMENT_NOTICE}`;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const word = (needle: string, flags: string) => new RegExp(`(^|[^\\p{L}\\p{N}])${escape(needle)}($|[^\\p{L}\\p{N}])`, flags);

/**
 * The people from `people` that `text` mentions: by full name or address in any case (or an address's
 * local part that is no ordinary word), or by one of
 * their names (three letters or more) written as a name, capitalised ("Dana looked at this"). A
 * capitalised ordinary word that happens to be someone's name is refused too: the reviewer rephrases,
 * which costs less than a name reaching an appellant.
 */
export function peopleNamedIn(text: string, people: { name: string; email: string }[]): string[] {
  const found = new Set<string>();
  for (const p of people) {
    // An address's local part counts when it cannot be an ordinary word ("dana.placeholder", "mod1"; not "lead").
    const local = p.email.split("@")[0];
    const whole = [p.name.trim(), p.email.trim(), /[^\p{L}]/u.test(local) ? local : ""].filter((n) => n.length >= 3);
    const tokens = p.name.split(/[^\p{L}\p{N}'-]+/u).filter((t) => t.length >= 3 && /^\p{Lu}/u.test(t));
    if (whole.some((n) => word(n, "iu").test(text)) || tokens.some((t) => word(t, "u").test(text))) found.add(p.name);
  }
  return [...found];
}
