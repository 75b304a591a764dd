import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DISPUTE_SETTLEMENT_NOTICE, peopleNamedIn, renderAnswer, TEMPLATE_MAX, templateIssues } from "~/modules/appeals/answer.ts";

const VALUES = { summary: "The post reports on the fictional group.", decisionDate: "2025-03-10", decisionAction: "removed", newAction: "kept available" };

describe("templateIssues", () => {
  it.each([
    { body: "We looked again. {summary}", issues: [] },
    { body: "On {decisionDate} the content was {decisionAction}; it is now {newAction}. {summary}", issues: [] },
    { body: "", issues: ["The template is empty.", "The template must include {summary}: the appellant is owed the reasons."] },
    { body: "   ", issues: ["The template is empty.", "The template must include {summary}: the appellant is owed the reasons."] },
    { body: "No reasons here.", issues: ["The template must include {summary}: the appellant is owed the reasons."] },
    { body: "{summary} signed {reviewer}", issues: ["Unknown placeholder {reviewer}."] },
    { body: "{summary} {}", issues: ["Unknown placeholder {}."] },
    { body: "{summary} {constructor} {toString}", issues: ["Unknown placeholder {constructor}.", "Unknown placeholder {toString}."] },
  ])("$body", ({ body, issues }) => {
    expect(templateIssues(body)).toEqual(issues);
  });

  it("refuses a template over the limit", () => {
    expect(templateIssues(`{summary}${"x".repeat(TEMPLATE_MAX)}`)).toContain(`A template is at most ${TEMPLATE_MAX} characters.`);
    expect(templateIssues(`{summary}${"x".repeat(TEMPLATE_MAX - 9)}`)).toEqual([]);
  });
});

describe("renderAnswer", () => {
  it("fills every placeholder and ends with the Art. 21 notice", () => {
    const answer = renderAnswer("On {decisionDate} it was {decisionAction}; now {newAction}.\n{summary}", VALUES);
    expect(answer).toBe(`On 2025-03-10 it was removed; now kept available.\n${VALUES.summary}\n\n${DISPUTE_SETTLEMENT_NOTICE}`);
    expect(DISPUTE_SETTLEMENT_NOTICE).toMatch(/out-of-court dispute settlement/);
    expect(DISPUTE_SETTLEMENT_NOTICE).toMatch(/Article 21/);
  });

  it("always ends with the notice, whatever the template and the values (placeholders in a summary are not filled again)", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (template, summary, date) => {
        const answer = renderAnswer(template, { ...VALUES, summary, decisionDate: date });
        expect(answer.endsWith(DISPUTE_SETTLEMENT_NOTICE)).toBe(true);
        if (template.includes("{summary}")) expect(answer).toContain(summary.trim());
      }),
    );
    // A summary that looks like a placeholder stays as written.
    expect(renderAnswer("{summary}", { ...VALUES, summary: "See {decisionDate}." })).toBe(`See {decisionDate}.\n\n${DISPUTE_SETTLEMENT_NOTICE}`);
  });

  it("leaves no known placeholder unfilled in a valid template", () => {
    const placeholder = fc.constantFrom("{summary}", "{decisionDate}", "{decisionAction}", "{newAction}");
    const word = fc.stringMatching(/^[a-z ]{0,12}$/);
    fc.assert(
      fc.property(fc.array(fc.oneof(placeholder, word), { maxLength: 12 }), (parts) => {
        const template = `${parts.join(" ")} {summary}`;
        expect(templateIssues(template)).toEqual([]);
        expect(renderAnswer(template, VALUES)).not.toMatch(/\{(summary|decisionDate|decisionAction|newAction)\}/);
      }),
    );
  });
});

describe("peopleNamedIn", () => {
  const people = [
    { name: "Alex Placeholder", email: "alex.placeholder@example.test" },
    { name: "Sam Sample", email: "moderator-1a2b3c4d@example.test" },
    { name: "Jo", email: "jo@example.test" },
  ];

  it.each([
    { text: "Reviewed by Alex Placeholder.", named: ["Alex Placeholder"] },
    { text: "reviewed by alex placeholder", named: ["Alex Placeholder"] },
    { text: "Contact alex.placeholder@example.test", named: ["Alex Placeholder"] },
    { text: "Contact alex.placeholder for more", named: ["Alex Placeholder"] },
    { text: "Checked by moderator-1a2b3c4d.", named: ["Sam Sample"] },
    { text: "Sam Sample and Alex Placeholder agreed.", named: ["Alex Placeholder", "Sam Sample"] },
    // Only whole words: a name inside a longer word is not a mention.
    { text: "The Placeholderism movement is fictional.", named: [] },
    // One of a person's names, written as a name, is a mention; the same word in lower case is not.
    { text: "Alex already looked at this.", named: ["Alex Placeholder"] },
    { text: "As Sample said, it is news.", named: ["Sam Sample"] },
    { text: "A sample of the posts was read.", named: [] },
    { text: "The post reports news about a fictional group.", named: [] },
    // Too short to tell from an ordinary word: "Jo" is not matched.
    { text: "Jo looked at it.", named: [] },
    // Regular-expression characters in a name or address are taken literally.
    { text: "alexXplaceholder", named: [] },
  ])("$text", ({ text, named }) => {
    expect(peopleNamedIn(text, people).sort()).toEqual(named);
  });

  it("finds any person's name however the text around it reads", () => {
    const name = fc.stringMatching(/^[A-Z][a-z]{2,8} [A-Z][a-z]{2,8}$/);
    const around = fc.stringMatching(/^[ .,;:!?()\n]{0,3}$/);
    fc.assert(
      fc.property(name, around, around, fc.boolean(), (n, before, after, upper) => {
        const text = `Reasons${before || " "}${upper ? n.toUpperCase() : n}${after}`;
        expect(peopleNamedIn(text, [{ name: n, email: "someone@example.test" }])).toEqual([n]);
      }),
    );
  });
});
