// A synthetic referral campaign for the clustering benchmark, the tests and the demo: families of lightly
// edited copies of one text (a prefix, a tracking link, a word changed, a paragraph cut, boilerplate
// around it, case, punctuation and spacing noise), and distinct texts written from a common template, the
// hard case for false joins. Every group, person and place is fictional; the texts carry rhetoric and
// news-style reporting only. Deterministic from its seed: the same seed gives the same campaign.

/** A source of numbers in [0, 1). */
export type Rng = () => number;

/** mulberry32: a small, fast, seeded 32-bit generator, good enough to draw synthetic text. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)];
const between = (rng: Rng, low: number, high: number) => low + Math.floor(rng() * (high - low + 1));
const chance = (rng: Rng, p: number) => rng() < p;

const GROUPS = [
  "the Ashen Circle",
  "the Marrow Front",
  "the Grey Tide Brotherhood",
  "the Order of the Pale Lantern",
  "the Vellan Liberation Union",
  "the Iron Reed Collective",
  "the Sons of Old Harrow",
  "the Veldt Dawn Movement",
  "the Silent Furrow",
  "the Black Orchard League",
  "the Cobalt Standard",
  "the Riverborn Assembly",
];
const FIRST = [
  "Aldo",
  "Mira",
  "Tomas",
  "Ilse",
  "Corin",
  "Beyla",
  "Rufus",
  "Odile",
  "Stefan",
  "Nadia",
  "Pell",
  "Yara",
  "Gideon",
  "Lenka",
  "Oren",
  "Sabine",
  "Viktor",
  "Anouk",
  "Bram",
  "Tessa",
];
const LAST = [
  "Verin",
  "Castell",
  "Moravec",
  "Halloran",
  "Desmet",
  "Quillon",
  "Aster",
  "Brandvold",
  "Okonye",
  "Marsh",
  "Tarrow",
  "Feld",
  "Ivanek",
  "Lund",
  "Calder",
  "Rook",
  "Sorensby",
  "Vane",
  "Whitlock",
  "Kestrel",
];
const ROLES = ["commander", "spokesperson", "council elder", "field organiser", "district leader", "founder", "deputy chair", "regional envoy"];
const PLACES = [
  "Norvale",
  "Karsten Bay",
  "East Tollin",
  "Brackwater",
  "Merrowfield",
  "Dunmere",
  "Halvik",
  "Solbrae",
  "Quenton Ridge",
  "Varrow",
  "Lissendale",
  "Port Aubry",
  "Greyhollow",
  "Tamsin Flats",
  "Orrin Crossing",
  "Westmarch",
  "Kelby Moor",
  "Ferrandine",
  "Upper Caddock",
  "Silvermere",
];
const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const EVENTS = [
  "the harvest assembly",
  "the lantern vigil",
  "the march to the river bridge",
  "the closing of the northern mills",
  "the winter census",
  "the flood relief convoy",
  "the ballot of the valley councils",
  "the festival of the first furrow",
  "the strike at the grain depot",
  "the dispute over the old quarry",
  "the renaming of the market square",
  "the arrest of the ferry workers",
];
const ADJECTIVES = [
  "proud",
  "forgotten",
  "loyal",
  "patient",
  "betrayed",
  "honest",
  "weary",
  "united",
  "silent",
  "stubborn",
  "faithful",
  "restless",
  "hungry",
  "fearless",
  "ordinary",
  "ancient",
];
const PEOPLE = [
  "farmers",
  "miners",
  "families",
  "river towns",
  "young people",
  "elders",
  "workers",
  "villages",
  "fishermen",
  "students",
  "mothers",
  "veterans",
];
const OPPONENTS = [
  "the valley council",
  "the coastal authority",
  "the distant ministries",
  "the grain cartel",
  "the city assessors",
  "the foreign lenders",
  "the old magistrates",
];
const VALUES = [
  "dignity",
  "memory",
  "the land",
  "our history",
  "the common table",
  "honest work",
  "the old roads",
  "our language",
  "the harvest",
  "our children's future",
];
const VERBS = ["ignored", "silenced", "taxed", "forgotten", "divided", "misled", "abandoned", "underpaid", "mocked", "overruled"];
const FEELINGS = ["anger", "grief", "hope", "pride", "resolve", "frustration", "patience", "determination"];
const SYMBOLS = ["the grey banner", "the pale lantern", "the iron reed", "the black orchard", "the cobalt star", "the river knot"];

type Slots = Record<string, () => string>;

function slotsFor(rng: Rng, group: string, place: string, leader: string): Slots {
  return {
    group: () => group,
    place: () => place,
    otherPlace: () => pick(rng, PLACES),
    leader: () => leader,
    person: () => `${pick(rng, ROLES)} ${pick(rng, FIRST)} ${pick(rng, LAST)}`,
    day: () => pick(rng, DAYS),
    month: () => pick(rng, MONTHS),
    event: () => pick(rng, EVENTS),
    adj: () => pick(rng, ADJECTIVES),
    people: () => pick(rng, PEOPLE),
    opponent: () => pick(rng, OPPONENTS),
    value: () => pick(rng, VALUES),
    verb: () => pick(rng, VERBS),
    feeling: () => pick(rng, FEELINGS),
    symbol: () => pick(rng, SYMBOLS),
    number: () => String(between(rng, 3, 40) * pick(rng, [1, 10, 100, 25])),
    year: () => String(between(rng, 1890, 2019)),
  };
}

function fill(template: string, slots: Slots): string {
  const text = template.replace(/\{(\w+)\}/g, (_, name: string) => slots[name]());
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Sentences of the rhetoric and reporting the families' base texts are built from. */
const SENTENCES = [
  "For too long the {people} of {place} have been {verb} by {opponent}.",
  "{group} will not stand aside while {value} is sold piece by piece.",
  "We remember {event} and we remember who stayed silent.",
  "Every {adj} household in {place} knows what was promised and what was delivered.",
  "{leader} told the crowd that {value} belongs to those who keep it.",
  "They call us {adj}, but we are only {adj} because we were {verb}.",
  "On {day} more than {number} people gathered in {place} under {symbol}.",
  "The {people} of {otherPlace} sent word that they stand with {place}.",
  "Ask yourself who gained when {opponent} took charge of {value}.",
  "Our {feeling} is older than their ledgers and it will outlast them.",
  "{group} was born in {year} among the {people} of {place}.",
  "Nobody in {opponent} has walked the fields of {place} in a generation.",
  "The next chapter belongs to the {adj} and the {adj}.",
  "Raise {symbol} from your window and let your neighbours see it.",
  "We ask for nothing that was not ours before {event}.",
  "Witnesses in {place} described the mood as one of {feeling}.",
  "The statement, signed by {person}, was read aloud in the square.",
  "Local officials in {place} declined to comment on the gathering.",
  "According to organisers, {number} copies of the pamphlet were handed out by {day} evening.",
  "{person} said the movement had grown quickly since {event}.",
  "The {people} here speak of {value} the way others speak of family.",
  "Their newspapers will tell you we are few; count the lanterns on {day} and decide.",
  "In {month} the council raised the levy again and the {people} paid again.",
  "History will ask where you stood when {place} needed you.",
  "Join the {adj} voices of {group} and make {place} heard.",
  "We do not forget, we do not forgive the men who {verb} {otherPlace}.",
  "A spokesperson for {opponent} called the claims exaggerated.",
  "The pamphlet blames {opponent} for the hardship in {otherPlace}.",
  "Analysts say {group} draws support from {adj} {people} who feel {verb}.",
  "It is {feeling}, not fear, that fills the streets of {place} tonight.",
  "Since {year} the {people} of {otherPlace} have kept {symbol} hidden in their homes.",
  "Tell your children about {event}, because their schoolbooks will not.",
  "The meeting ended with a song about {value} and a minute of silence.",
  "{leader} promised that {group} would return to {otherPlace} before {month}.",
  "What they took in {month} they will have to answer for.",
  "This is not a protest; it is a homecoming for {value}.",
];

/** Headlines for article-style texts. */
const HEADLINES = [
  "{group} rallies in {place} as {feeling} grows",
  "Why the {people} of {place} are turning to {group}",
  "{leader} speaks at {event}",
  "Statement from {group} on {event}",
  "Thousands gather in {place} under {symbol}",
  "{group} blames {opponent} for the crisis in {otherPlace}",
];

export type BaseText = { title?: string; paragraphs: string[] };

/**
 * A base text for one family: a short post of one paragraph (about 20 to 70 words) or an article of
 * several paragraphs, sentences drawn from the shared pool and filled with the family's own group, place
 * and leader, so two families share phrasing the way one group's material does.
 */
export function baseText(rng: Rng, shape: "post" | "article" = chance(rng, 0.35) ? "post" : "article"): BaseText {
  const group = pick(rng, GROUPS);
  const place = pick(rng, PLACES);
  const leader = `${pick(rng, ROLES)} ${pick(rng, FIRST)} ${pick(rng, LAST)}`;
  const slots = slotsFor(rng, group, place, leader);
  const sentence = () => fill(pick(rng, SENTENCES), slots);
  const paragraph = (sentences: number) => Array.from({ length: sentences }, sentence).join(" ");
  if (shape === "post") return { paragraphs: [paragraph(between(rng, 2, 4))] };
  const paragraphs = Array.from({ length: between(rng, 2, 7) }, () => paragraph(between(rng, 2, 5)));
  return { title: chance(rng, 0.6) ? fill(pick(rng, HEADLINES), slots) : undefined, paragraphs };
}

// --- The edits a copier makes. Each takes a text's paragraphs and returns new ones. ---

const PREFIXES = [
  "BREAKING:",
  "BREAKING NEWS:",
  "Repost:",
  "RT @{handle}:",
  "JUST IN:",
  "Must read:",
  "URGENT:",
  "🚨 BREAKING 🚨",
  "Fwd:",
  "Via @{handle}:",
  "Share this!",
  "Please share:",
  "READ THIS",
  "Update:",
  "🔥🔥🔥",
];
const BOILERPLATE = [
  "Advertisement",
  "Click to play video",
  "Story continues below advertisement",
  "Share this article",
  "Read more",
  "Sponsored",
  "Skip Advertisement",
  "Subscribe now",
  "Follow us",
  "Related stories",
  "Continue reading",
  "Watch video",
];
const LINK_HOSTS = ["https://t.example/", "https://lnk.example.net/", "http://share.example.org/p/", "www.example.com/news/", "bit.example/"];
/** Replacements a copier makes for a word: near-synonyms and simple swaps. */
const SWAPS: Record<string, string[]> = {
  people: ["folk", "citizens", "residents"],
  will: ["shall", "must"],
  not: ["never"],
  we: ["we all"],
  remember: ["recall"],
  told: ["assured"],
  crowd: ["gathering", "audience"],
  grown: ["spread"],
  gathered: ["assembled", "met"],
  said: ["stated", "claimed"],
  promised: ["vowed", "pledged"],
  streets: ["squares", "roads"],
  quickly: ["rapidly"],
  statement: ["declaration", "message"],
  pamphlet: ["leaflet", "flyer"],
  history: ["the future"],
  children: ["kids", "sons and daughters"],
};

const handle = (rng: Rng) => `${pick(rng, ["truth", "voice", "news", "free", "real"])}_${pick(rng, LAST).toLowerCase()}${between(rng, 1, 99)}`;
const token = (rng: Rng, length: number) =>
  Array.from({ length }, () => "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"[Math.floor(rng() * 56)]).join("");

export function addPrefix(paragraphs: string[], rng: Rng): string[] {
  const prefix = pick(rng, PREFIXES).replace("{handle}", handle(rng));
  const [first, ...rest] = paragraphs;
  return chance(rng, 0.5) ? [`${prefix} ${first}`, ...rest] : [prefix, first, ...rest];
}

export function addTrackingLink(paragraphs: string[], rng: Rng): string[] {
  const link = `${pick(rng, LINK_HOSTS)}${token(rng, between(rng, 5, 9))}${chance(rng, 0.6) ? `?utm_source=${pick(rng, ["tg", "fb", "x", "wa"])}&utm_campaign=${token(rng, 6)}` : ""}`;
  const at = chance(rng, 0.7) ? paragraphs.length : between(rng, 1, paragraphs.length);
  const line = chance(rng, 0.5) ? link : `${pick(rng, ["More:", "Source:", "Full story", "Link:", "👉"])} ${link}`;
  if (chance(rng, 0.5)) return [...paragraphs.slice(0, at), line, ...paragraphs.slice(at)];
  const last = paragraphs.length - 1;
  return paragraphs.map((p, i) => (i === last ? `${p} ${link}` : p));
}

/** Changes one word: a near-synonym where one is known, otherwise a number or an adjective swapped. */
/** The paragraphs that carry the text (not a prefix, link or boilerplate line an earlier edit added). */
const contentAt = (paragraphs: string[]) => paragraphs.flatMap((p, i) => (p.split(/\s+/).length >= 8 ? [i] : []));

export function changeWord(paragraphs: string[], rng: Rng): string[] {
  const content = contentAt(paragraphs);
  const i = content.length ? pick(rng, content) : Math.floor(rng() * paragraphs.length);
  const words = paragraphs[i].split(" ");
  for (let attempt = 0; attempt < 12; attempt++) {
    const at = Math.floor(rng() * words.length);
    const bare = words[at].replace(/[^\p{L}\p{N}]/gu, "");
    const swaps = SWAPS[bare.toLowerCase()];
    let replacement: string | null = null;
    if (swaps) replacement = pick(rng, swaps);
    else if (/^\d+$/.test(bare)) replacement = String(Number(bare) + between(rng, 1, 9) * 10);
    else if (ADJECTIVES.includes(bare)) replacement = pick(rng, ADJECTIVES);
    if (replacement && replacement !== bare) {
      words[at] = words[at].replace(bare, replacement);
      return paragraphs.map((p, j) => (j === i ? words.join(" ") : p));
    }
  }
  const at = Math.floor(rng() * words.length);
  words.splice(at, 0, pick(rng, ["really", "truly", "still", "again", "now"]));
  return paragraphs.map((p, j) => (j === i ? words.join(" ") : p));
}

/**
 * Cuts a paragraph from a text of three or more; a shorter text loses the last sentence of its longest
 * paragraph instead, if that has three or more (a light edit, not half the text).
 */
export function cutParagraph(paragraphs: string[], rng: Rng): string[] {
  const content = contentAt(paragraphs);
  if (content.length > 2) {
    const at = pick(rng, content);
    return paragraphs.filter((_, i) => i !== at);
  }
  if (!content.length) return paragraphs;
  const longest = content.reduce((a, b) => (paragraphs[b].length > paragraphs[a].length ? b : a));
  const sentences = paragraphs[longest].split(/(?<=[.!?])\s+/);
  if (sentences.length <= 2) return paragraphs;
  return paragraphs.map((p, i) => (i === longest ? sentences.slice(0, -1).join(" ") : p));
}

export function addBoilerplate(paragraphs: string[], rng: Rng): string[] {
  const out = [...paragraphs];
  for (let n = between(rng, 1, 3); n > 0; n--) out.splice(between(rng, 0, out.length), 0, pick(rng, BOILERPLATE));
  return out;
}

/** Case, punctuation and whitespace noise: what retyping, another app or another keyboard does to a text. */
export function addNoise(paragraphs: string[], rng: Rng): string[] {
  return paragraphs.map((p) => {
    let text = p;
    const shout = chance(rng, 0.15);
    if (shout) text = text.toUpperCase();
    else if (chance(rng, 0.15)) text = text.toLowerCase();
    if (chance(rng, 0.4)) text = text.replace(/\./g, () => pick(rng, [".", "!", "!!!", " .", "…", ""]));
    if (chance(rng, 0.3)) text = text.replace(/,/g, "");
    if (chance(rng, 0.3)) text = text.replace(/ /g, () => (chance(rng, 0.1) ? pick(rng, ["  ", "\u00a0", "\t", "\n"]) : " "));
    if (chance(rng, 0.2)) text = text.replace(/'/g, "\u2019");
    if (chance(rng, 0.1)) text = text.replace(/[A-Za-z0-9]/g, (c) => (chance(rng, 0.05) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c));
    return chance(rng, 0.2) ? `${text} ${pick(rng, ["🔥", "‼️", "👇", "✊", "#" + pick(rng, PLACES).replace(/ /g, "")])}` : text;
  });
}

export const EDITS = { prefix: addPrefix, trackingLink: addTrackingLink, changeWord, cutParagraph, boilerplate: addBoilerplate, noise: addNoise } as const;
export type EditName = keyof typeof EDITS;

/** A lightly edited copy: each edit with even odds (at least one), in a fixed order, the word change once or twice. */
export function editedCopy(base: BaseText, rng: Rng): { title?: string; body: string; edits: EditName[] } {
  let edits = (Object.keys(EDITS) as EditName[]).filter(() => chance(rng, 0.5));
  if (!edits.length) edits = [pick(rng, Object.keys(EDITS) as EditName[])];
  let paragraphs = base.paragraphs;
  for (const edit of ["cutParagraph", "changeWord", "prefix", "trackingLink", "boilerplate", "noise"] as EditName[]) {
    if (!edits.includes(edit)) continue;
    paragraphs = EDITS[edit](paragraphs, rng);
    if (edit === "changeWord" && chance(rng, 0.4)) paragraphs = changeWord(paragraphs, rng);
  }
  const title = base.title && chance(rng, 0.7) ? (edits.includes("noise") && chance(rng, 0.3) ? base.title.toUpperCase() : base.title) : undefined;
  return { title, body: paragraphs.join("\n\n"), edits };
}

/**
 * Frames that many distinct texts share: notices, reports and calls written from one template with their
 * own group, place, people, numbers and event, plus a sentence or two of their own. They look alike and
 * must stay apart.
 */
const TEMPLATES = [
  [
    "Statement from {group} on {event} in {place}.",
    "On {day} {number} supporters of {group} gathered in {place} to mark {event}. {person} addressed the crowd and spoke about {value}.",
    "The {people} of {place} have waited {number} days for an answer from {opponent}. We will wait no longer.",
    "{group} calls on the {people} of {otherPlace} to stand with {place}.",
  ],
  [
    "{place} report: {group} gathering on {day}",
    "Around {number} people attended a gathering organised by {group} in {place} on {day}, according to local witnesses.",
    "{person} told reporters that the group wanted to draw attention to {event} and to the situation of the {people} in {otherPlace}.",
    "A spokesperson for {opponent} said the authorities were monitoring the situation. No incidents were reported.",
  ],
  [
    "{adj} {people} of {place}, the hour has come.",
    "They have {verb} us since {event}. They {verb} us again in {month}. Now they ask for our patience.",
    "{group} answers with {feeling}. Raise {symbol} on {day} and remember {value}.",
  ],
  [
    "{group} update for {month}: {number} new members in {place}",
    "This month {group} welcomed {number} new members in {place} and {number} in {otherPlace}. {person} thanked the volunteers.",
    "Our next meeting marks {event}. Bring your families and your {feeling}.",
  ],
];

/** One of the template-distinct texts: template `which`, its own fillings, a sentence or two of its own. */
export function templateText(rng: Rng, which = Math.floor(rng() * TEMPLATES.length)): { title?: string; body: string } {
  const slots = slotsFor(rng, pick(rng, GROUPS), pick(rng, PLACES), `${pick(rng, ROLES)} ${pick(rng, FIRST)} ${pick(rng, LAST)}`);
  const [first, ...rest] = TEMPLATES[which % TEMPLATES.length].map((line) => fill(line, slots));
  const own = Array.from({ length: between(rng, 1, 2) }, () => fill(pick(rng, SENTENCES), slots));
  const paragraphs = [...rest];
  paragraphs.splice(between(rng, 0, paragraphs.length), 0, own.join(" "));
  return chance(rng, 0.5) ? { title: first, body: paragraphs.join("\n\n") } : { body: [first, ...paragraphs].join("\n\n") };
}

/** A news report that quotes a copy in full inside several paragraphs of its own: it should be split out of the copies' cluster. */
export function newsReportQuoting(quoted: string, rng: Rng): { title: string; body: string } {
  const slots = slotsFor(rng, pick(rng, GROUPS), pick(rng, PLACES), `${pick(rng, ROLES)} ${pick(rng, FIRST)} ${pick(rng, LAST)}`);
  const own = (n: number) =>
    Array.from({ length: n }, () =>
      fill(
        pick(rng, [
          "Researchers who track online material say the post has been shared thousands of times across several platforms since {day}.",
          "The text, which we reproduce below so readers can judge it, carries the hallmarks of earlier material attributed to {group}.",
          "{person}, who studies extremist messaging, said the wording was designed to appeal to {people} who feel {verb}.",
          "Platforms contacted for this article said they were reviewing the copies against their policies.",
          "Officials in {place} said the circulation of the text coincided with the anniversary of {event}.",
          "It is not the first time such material has spread in {month}; a similar wave followed {event}.",
          "Community leaders in {otherPlace} urged residents not to share the post further.",
        ]),
        slots,
      ),
    ).join(" ");
  return {
    title: fill("How a post from {group} spread across {place}", slots),
    body: [own(3), own(2), `The post reads: "${quoted.replace(/\s*\n+\s*/g, " ")}"`, own(3), own(2)].join("\n\n"),
  };
}

export type CampaignItem = { externalId: string; title?: string; body: string; family: string | null };
export type CampaignOptions = {
  seed: number;
  /** How many families of copies. */
  families: number;
  /** Members per family; or give `total` and family sizes vary (a few large, many small; at least 2 each). */
  membersPerFamily?: number;
  total?: number;
  /** Distinct texts from the common templates, each its own family (`family: null`). */
  templateTexts?: number;
};

function familySizes(rng: Rng, families: number, total: number): number[] {
  const weights = Array.from({ length: families }, () => 0.2 + rng() ** 3 * 4);
  const sum = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.max(2, Math.floor((w / sum) * total)));
  for (let i = 0, left = total - sizes.reduce((a, b) => a + b, 0); left > 0; i = (i + 1) % families, left--) sizes[i]++;
  return sizes;
}

/**
 * A campaign in arrival order (families and template texts interleaved). Each family member is an edited
 * copy of the family's base text; one in four is an edited copy of an earlier member (a copy of a copy).
 */
export function generateCampaign(options: CampaignOptions): { items: CampaignItem[] } {
  const rng = mulberry32(options.seed);
  const sizes = options.total !== undefined ? familySizes(rng, options.families, options.total) : Array(options.families).fill(options.membersPerFamily ?? 10);
  const items: CampaignItem[] = [];
  sizes.forEach((size: number, f: number) => {
    const family = `family-${String(f + 1).padStart(4, "0")}`;
    const base = baseText(rng);
    const copies: BaseText[] = [];
    for (let m = 0; m < size; m++) {
      const from = copies.length && chance(rng, 0.25) ? pick(rng, copies) : base;
      const copy = editedCopy(from, rng);
      copies.push({ title: copy.title, paragraphs: copy.body.split(/\n\n/) });
      items.push({ externalId: `${family}-${String(m + 1).padStart(4, "0")}`, title: copy.title, body: copy.body, family });
    }
  });
  for (let t = 0; t < (options.templateTexts ?? 0); t++) {
    items.push({ externalId: `template-${String(t + 1).padStart(5, "0")}`, ...templateText(rng, t), family: null });
  }
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return { items };
}
