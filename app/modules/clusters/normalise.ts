// How a text is reduced before near-duplicate comparison: what a copier changes without changing the
// message (case, punctuation, spacing, links, "BREAKING:" in front, "Advertisement" around it) is
// taken out, so only the words that carry the message are compared.

/**
 * A token that is a link: with a scheme or "www.", or bare with a path (t.co/x, bit.ly/x,
 * example.com/a?utm_source=...). Tested anchored, on one token's first characters at a time, so a
 * hostile text cannot make it backtrack over the whole body.
 */
const LINK = /^(?:https?:\/\/|www\.|[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}\/)/u;
const LEADING_NON_WORD = /^[^\p{L}\p{N}]+/u;
/** Longer tokens are tested on their start: a link's scheme or host is in its first characters. */
const LINK_PREFIX = 300;
/** @handles and #hashtags: what a reposter adds or drops, not the message. */
const TAG_PATTERN = /(^|\s)[@#][\p{L}\p{N}_.]+/gu;

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

/** Letters, digits and combining marks: a word. Everything else (punctuation, symbols, spaces) separates words. */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
/** The variation selectors and keycap emoji carry are marks, but not part of any word. */
const EMOJI_MARKS = /[\uFE0E\uFE0F\u20E3]/g;
const MARKER_WORDS = Math.max(...[...LEADING_MARKERS].map((m) => m.split(" ").length));

/** A line's words: links and tags out, then what is left split at anything that is not part of a word. */
function wordsOf(line: string): string[] {
  let rest = line;
  // The patterns are costly to try at every position; a line without their anchors cannot match them.
  if (rest.includes("/") || rest.includes("www.")) {
    rest = rest
      .split(/\s+/)
      .filter((token) => !LINK.test(token.slice(0, LINK_PREFIX).replace(LEADING_NON_WORD, "")))
      .join(" ");
  }
  if (rest.includes("@") || rest.includes("#")) rest = rest.replace(TAG_PATTERN, "$1 ");
  if (rest.includes("\uFE0E") || rest.includes("\uFE0F") || rest.includes("\u20E3")) rest = rest.replace(EMOJI_MARKS, " ");
  return rest.match(WORD) ?? [];
}

/** The words after the repost markers that lead them, removed while they lead. */
function withoutLeadingMarkers(words: string[]): string[] {
  let start = 0;
  for (let found = true; found && start < words.length;) {
    found = false;
    for (let n = Math.min(MARKER_WORDS, words.length - start); n >= 1; n--) {
      if (LEADING_MARKERS.has(words.slice(start, start + n).join(" "))) {
        start += n;
        found = true;
        break;
      }
    }
  }
  return start === 0 ? words : words.slice(start);
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
    const all = wordsOf(raw);
    if (all.length === 0 || BOILERPLATE_LINES.has(all.join(" "))) continue;
    const line = withoutLeadingMarkers(all);
    if (line.length === 0 || (line !== all && BOILERPLATE_LINES.has(line.join(" ")))) continue;
    for (const w of line) words.push(w);
  }
  return words;
}
