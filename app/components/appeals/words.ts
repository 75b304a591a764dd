// The words the appeal pages use for the appeal's stored values.
export const APPELLANT_ROLE_WORDS: Record<string, string> = {
  content_author: "Author of the content",
  notifier: "Person who reported it",
};

export const OUTCOME_WORDS: Record<string, string> = {
  upheld: "Upheld",
  overturned: "Overturned",
  modified: "Modified",
};

export const CHANNEL_WORDS: Record<string, string> = {
  api: "Platform API",
  email: "Email",
  letter: "Letter",
  phone: "Phone",
  other: "Other",
};

export const wordFor = (words: Record<string, string>, value: string | null | undefined) => (value ? (words[value] ?? value) : "—");
