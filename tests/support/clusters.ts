import { randomUUID } from "node:crypto";

const families = new Map<string, string>();

/** A family's original text: fictional names and made-up words, so no two families share wording. */
function familyText(family: string): string {
  let text = families.get(family);
  if (!text) {
    const word = () => `w${randomUUID().slice(0, 6)}`;
    const sentence = () => `${Array.from({ length: 14 }, word).join(" ")}.`;
    text = [
      `The council of the fictional ${family} Front published a call on Tuesday: ${sentence()}`,
      `It praised Leader ${family} and told readers ${sentence()}`,
      `Every supporter was asked to ${sentence()}`,
    ].join("\n\n");
    families.set(family, text);
  }
  return text;
}

/**
 * A lightly edited copy of one synthetic propaganda text of `family`, as reposts change it (a prefix,
 * a tracking link, a word changed, boilerplate around it): intake places a family in one cluster.
 */
export function nearDuplicate(i: number, family: string): string {
  const text = familyText(family);
  const prefix = ["", "BREAKING: ", "Repost:\n", "Advertisement\n"][i % 4];
  const edited = i % 3 === 1 ? text.replace("Tuesday", "Wednesday") : i % 3 === 2 ? text.replace("published a call", "issued a call") : text;
  return `${prefix}${edited}\nhttps://example.test/share?ref=${i}-${randomUUID().slice(0, 8)}`;
}
