import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assignClusters, MemoryBandIndex, type NewItem } from "~/modules/clusters/assign.ts";
import { belongTogether, DEFAULT_THRESHOLD, fingerprintOf } from "~/modules/clusters/fingerprint.ts";
import { decodeSignature, encodeSignature, estimatedJaccard, isExactKey, MIN_WORDS } from "~/modules/clusters/minhash.ts";
import { comparableWords } from "~/modules/clusters/normalise.ts";
import { generateCampaign, mulberry32, newsReportQuoting, templateText } from "~/modules/clusters/synthetic-campaign.ts";

const words = (text: string) => comparableWords([text]);

describe("comparable words", () => {
  it("drop links with a scheme, with www. and bare ones with a path, tracking parameters included", () => {
    expect(words("Read it https://t.example/AbC?utm_source=x and www.example.org/a/b and bit.example/3xYz?utm_campaign=q now")).toEqual([
      "read",
      "it",
      "and",
      "and",
      "now",
    ]);
  });

  it("drop @handles and #hashtags but keep an address-like word without a path", () => {
    expect(words("RT @truth_vane99: the council met #PortAubry @someone. See example.org")).toEqual(["the", "council", "met", "see", "example", "org"]);
  });

  it("drop repost markers while they lead a line, stacked or alone, and only there", () => {
    expect(words("BREAKING: Repost: JUST IN - The mills closed")).toEqual(["the", "mills", "closed"]);
    expect(words("Fwd:\nThe mills closed")).toEqual(["the", "mills", "closed"]);
    expect(words("The mills closed, breaking news for Dunmere")).toEqual(["the", "mills", "closed", "breaking", "news", "for", "dunmere"]);
  });

  it("drop whole boilerplate lines, not the same words inside a sentence", () => {
    expect(words("Advertisement\nThe mills closed.\nClick to play video\nStory continues below advertisement\nShare this article")).toEqual([
      "the",
      "mills",
      "closed",
    ]);
    expect(words("The advertisement on the mill wall was torn down")).toContain("advertisement");
  });

  it("fold case, punctuation, symbols, emoji, NFKC forms and every kind of space", () => {
    const plain = words("the grey banner was raised in dunmere s square");
    expect(words("THE GREY—BANNER   was\u00a0raised\tin\r\nDunmere’s square!!! 🔥‼️")).toEqual(plain);
    expect(words("Ｔｈｅ grey banner was raised in Dunmere's «square»")).toEqual(plain);
    expect(words("ﬁeld")).toEqual(["field"]);
  });
});

const BASE = [
  "Statement from the Ashen Circle on the harvest assembly in Norvale.",
  "For too long the farmers of Norvale have been ignored by the valley council. The Ashen Circle will not stand aside while the land is sold piece by piece. We remember the harvest assembly and we remember who stayed silent.",
  "On Saturday more than 1400 people gathered in Norvale under the grey banner. Council elder Mira Castell told the crowd that the land belongs to those who keep it, and that the valley council had forgotten the river towns.",
  "Their newspapers will tell you we are few; count the lanterns on Sunday and decide. Our grief is older than their ledgers and it will outlast them.",
  "The next chapter belongs to the patient and the proud. Tell your children about the harvest assembly, because their schoolbooks will not.",
];
const text = (paragraphs: string[]) => paragraphs.join("\n\n");
const fp = (body: string, title?: string) => fingerprintOf([title, body]);
function joins(a: string, b: string) {
  const x = fp(a);
  const y = fp(b);
  if (!x.fingerprint || !y.fingerprint) throw new Error("both texts should be long enough to compare");
  return { ...belongTogether(x.fingerprint, y.fingerprint, DEFAULT_THRESHOLD), sharedKeys: x.keys.filter((k) => y.keys.includes(k)).length };
}

const EDITS: Record<string, (p: string[]) => string[]> = {
  prefix: (p) => [`BREAKING: ${p[0]}`, ...p.slice(1)],
  "repost marker on its own line": (p) => ["Repost:", ...p],
  "tracking link": (p) => [...p.slice(0, -1), `${p[p.length - 1]} https://lnk.example.net/Xy7pQ?utm_source=tg&utm_campaign=a81`],
  "word changed": (p) => p.map((x, i) => (i === 2 ? x.replace("told", "assured") : x)),
  "two words changed": (p) => p.map((x) => x.replace("1400", "2000").replace("patient", "stubborn")),
  "paragraph cut": (p) => p.filter((_, i) => i !== 2),
  boilerplate: (p) => ["Advertisement", p[0], "Click to play video", ...p.slice(1), "Share this article"],
  "case, punctuation and whitespace": (p) => p.map((x, i) => (i % 2 ? x.toUpperCase() : x.replace(/[.,;]/g, " !!").replace(/ /g, "  "))),
};

describe("similarity: lightly edited copies join", () => {
  const original = text(BASE);
  for (const [name, edit] of Object.entries(EDITS)) {
    it(`${name} alone`, () => {
      const copy = text(edit(BASE));
      expect(copy).not.toBe(original);
      const r = joins(original, copy);
      expect(r.joins).toBe(true);
      expect(r.sharedKeys).toBeGreaterThan(0);
    });
  }

  it("every edit at once, and a copy of that copy with a different paragraph cut", () => {
    const all = Object.values(EDITS).reduce((p, edit) => edit(p), BASE);
    expect(joins(original, text(all)).joins).toBe(true);
    const again = EDITS.prefix(all.filter((x) => !x.startsWith("Their newspapers")));
    const r = joins(original, text(again));
    expect(r.joins).toBe(true);
    expect(r.sharedKeys).toBeGreaterThan(0);
  });

  it("generated copies of one family join in one cluster in arrival order", () => {
    const { items } = generateCampaign({ seed: 11, families: 1, membersPerFamily: 40 });
    const assigned = assign(items.map((i) => ({ id: i.externalId, title: i.title, body: i.body })));
    expect(new Set(assigned.map((a) => a.clusterId)).size).toBe(1);
  });
});

function assign(texts: { id: string; title?: string; body: string }[]) {
  const entries: NewItem[] = texts.map((t) => {
    return { itemId: t.id, fp: fingerprintOf([t.title, t.body]) };
  });
  let n = 0;
  return assignClusters(entries, new MemoryBandIndex(), () => `cluster-${++n}`, DEFAULT_THRESHOLD);
}

describe("similarity: texts that must stay apart", () => {
  it("distinct texts written from one template (same frame, other names, places, numbers, events)", () => {
    const rng = mulberry32(5);
    for (let which = 0; which < 4; which++) {
      const texts = Array.from({ length: 30 }, (_, i) => ({ id: `t${which}-${i}`, ...templateText(rng, which) }));
      const assigned = assign(texts);
      expect(new Set(assigned.map((a) => a.clusterId)).size, `template ${which}`).toBe(texts.length);
    }
  });

  it("unrelated texts", () => {
    const other =
      "The lighthouse keepers of Halvik opened their tower to visitors this weekend. Children climbed the spiral stairs, counted the gulls, and painted the rocks below in bright colours before the tide came in again.";
    const r = joins(text(BASE), other);
    expect(r.joins).toBe(false);
    expect(r.score).toBeLessThan(0.1);
  });

  it("short texts that share most of their words are matched only as exact copies", () => {
    const a = "The grey banner flies over Norvale tonight";
    const b = "The grey banner flies over Dunmere tonight";
    expect(words(a).length).toBeLessThan(MIN_WORDS);
    expect(fp(a).keys).toHaveLength(1);
    expect(isExactKey(fp(a).keys[0])).toBe(true);
    const assigned = assign([
      { id: "a", body: a },
      { id: "b", body: b },
      { id: "a-copy", body: `BREAKING: ${a.toUpperCase()}!!` },
    ]);
    expect(assigned.map((x) => x.clusterId)).toEqual(["cluster-1", "cluster-2", "cluster-1"]);
  });

  it("a long news article quoting a short post in full does not join the post (its containment is one-sided)", () => {
    const post =
      "Raise the grey banner from your window and let your neighbours see it. For too long the farmers of Norvale have been ignored by the valley council. We remember the harvest assembly and we remember who stayed silent.";
    const report = newsReportQuoting(post, mulberry32(3));
    expect(report.body).toContain("we remember who stayed silent");
    const x = fp(post);
    const y = fp(report.body, report.title);
    const r = belongTogether(x.fingerprint!, y.fingerprint!, DEFAULT_THRESHOLD);
    expect(r.joins).toBe(false);
    expect(
      assign([
        { id: "post", body: post },
        { id: "report", ...report },
      ]).map((a) => a.clusterId),
    ).toEqual(["cluster-1", "cluster-2"]);
  });
});

const VOCABULARY = [
  "grey",
  "banner",
  "norvale",
  "council",
  "river",
  "towns",
  "harvest",
  "lantern",
  "mills",
  "square",
  "proud",
  "the",
  "of",
  "we",
  "remember",
  "1400",
];

describe("properties", () => {
  it("a fingerprint does not change with case, spacing or punctuation", () => {
    const styled = fc.tuple(
      fc.constantFrom(...VOCABULARY),
      fc.constantFrom("lower", "upper", "title"),
      fc.constantFrom(" ", "  ", "\t", ", ", ". ", "! ", " - ", "\u00a0", "… "),
    );
    fc.assert(
      fc.property(fc.array(styled, { minLength: MIN_WORDS, maxLength: 80 }), (parts) => {
        const plain = parts.map(([w]) => w).join(" ");
        const noisy = parts.map(([w, c, sep]) => (c === "upper" ? w.toUpperCase() : c === "title" ? w[0].toUpperCase() + w.slice(1) : w) + sep).join("");
        const a = fingerprintOf([plain]);
        const b = fingerprintOf([noisy]);
        expect(b.keys).toEqual(a.keys);
        expect(Array.from(b.fingerprint!.signature)).toEqual(Array.from(a.fingerprint!.signature));
      }),
      { numRuns: 150 },
    );
  });

  it("identical texts estimate Jaccard 1, also through the stored form, and always join", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...VOCABULARY), { minLength: MIN_WORDS, maxLength: 120 }), (list) => {
        const a = fingerprintOf([list.join(" ")]).fingerprint!;
        const b = fingerprintOf([list.join(" ")]).fingerprint!;
        const stored = decodeSignature(encodeSignature(a.signature));
        expect(estimatedJaccard(a.signature, b.signature)).toBe(1);
        expect(estimatedJaccard(stored, b.signature)).toBe(1);
        expect(belongTogether(a, { ...b, signature: stored }, 0.95).joins).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
