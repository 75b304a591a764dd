// How a text is reduced before near-duplicate comparison: what a copier changes without changing the
// message (case, punctuation, spacing, links, "BREAKING:" in front, "Advertisement" around it) is
// taken out, so only the words that carry the message are compared.

/** Links with a scheme or "www.", and bare ones with a path (t.co/x, bit.ly/x, example.com/a?utm_source=...). */
const URL_PATTERN = /\b(?:(?:https?:\/\/|www\.)\S+|[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}\/\S*)/giu;
/** @handles and #hashtags: what a reposter adds or drops, not the message. */
const TAG_PATTERN = /(^|\s)[@#][\p{L}\p{N}_.]+/gu;
/** Punctuation, symbols (emoji among them), controls, format characters, and the selectors and keycaps emoji carry. */
const PUNCTUATION = /[\p{P}\p{S}\p{Cc}\p{Cf}\uFE0E\uFE0F\u20E3]+/gu;

/** Words a repost puts in front of a line ("BREAKING:", "Repost:", "RT"), removed while they lead it. */
const LEADING_MARKERS = new Set([
  "breaking",
  "breaking news",
  "repost",
  "reposted",
  "rt",
  "update",
  "updated",
  "urgent",
  "just in",
  "watch",
  "fwd",
  "fw",
  "via",
  "share",
  "shared",
  "new",
  "must read",
  "viral",
  "exclusive",
  "developing",
  "developing story",
  "alert",
  "attention",
  "important",
  "please share",
  "please read",
  "read this",
  "must see",
  "pass it on",
  "re",
]);

/** Whole lines that pages and apps wrap around content. */
const BOILERPLATE_LINES = new Set([
  "advertisement",
  "ad",
  "sponsored",
  "sponsored content",
  "click to play video",
  "click to play",
  "play video",
  "watch video",
  "video",
  "read more",
  "continue reading",
  "share this article",
  "share this",
  "share",
  "subscribe",
  "subscribe now",
  "sign up for our newsletter",
  "related",
  "related articles",
  "related stories",
  "follow us",
  "comments",
  "show more",
  "see more",
  "image",
  "photo",
  "caption",
  "loading",
  "skip advertisement",
  "story continues below advertisement",
  "article continues below",
  "source",
  "link",
  "links",
  "more",
  "more info",
  "full story",
  "read the full story",
  "read full article",
  "read the full article",
  "full article",
  "see link",
  "link in bio",
  "watch",
  "listen",
  "copy link",
  "print",
  "email",
]);

function cleanLine(line: string): string {
  return line.replace(URL_PATTERN, " ").replace(TAG_PATTERN, "$1 ").replace(PUNCTUATION, " ").replace(/\s+/g, " ").trim();
}

function withoutLeadingMarkers(line: string): string {
  let rest = line;
  for (let changed = true; changed && rest;) {
    changed = false;
    for (const marker of LEADING_MARKERS) {
      if (rest === marker) return "";
      if (rest.startsWith(`${marker} `)) {
        rest = rest.slice(marker.length + 1);
        changed = true;
      }
    }
  }
  return rest;
}

/**
 * The words of a text as compared for near-duplicates: NFKC, lower case, links, @handles and #hashtags removed,
 * punctuation and symbols as spaces, repost markers at the start of a line and boilerplate lines dropped.
 */
export function comparableWords(parts: (string | null | undefined)[]): string[] {
  const text = parts
    .filter((p): p is string => !!p)
    .join("\n")
    .normalize("NFKC")
    .toLowerCase();
  const words: string[] = [];
  for (const raw of text.split(/\r?\n|\u2028|\u2029/)) {
    const cleaned = cleanLine(raw);
    if (BOILERPLATE_LINES.has(cleaned)) continue;
    const line = withoutLeadingMarkers(cleaned);
    if (!line || BOILERPLATE_LINES.has(line)) continue;
    for (const w of line.split(" ")) if (w) words.push(w);
  }
  return words;
}
