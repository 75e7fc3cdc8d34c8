/**
 * Abbreviations and their expansions read as the same thing ("MTU" and "maximum transmission
 * unit", "TTL" and "time to live", "CSMA/CD" and "carrier sense multiple access with collision
 * detection"), learnt from the bank's own text, never from a hand list. A phrase of a question's
 * text, reference and rubric whose initials spell 3-6 letters (hyphenated and slashed parts split,
 * "of" and "to" giving a letter or not, "with" and "for" none) may be typed as that abbreviation;
 * "maximum transmission unit (MTU)" and "MTU (maximum transmission unit)" anywhere in the bank
 * define one outright (two letters only so), and so do a bank phrase and an abbreviation the bank
 * writes that its initials spell. An answer's abbreviation then gets the phrase said beside it, and
 * an answer that spells out an abbreviation the question uses gets the abbreviation, so concept
 * coverage, recall and cosine see the form the reference has. What the question text itself
 * names ("What is the problem with Distributed Queue Dual Buses?") is left alone: naming the
 * subject is no answer. Pure, dependency-free.
 */
import { STOP_WORDS, tokenize } from './lexicon.js';

/** Words a phrase may hold, giving a letter or not ("time to live" is TTL or TL, "quality of service" QoS or QS). */
const SMALL = new Set(['of', 'to', 'with', 'for']);
/** Small words that never give a letter: "carrier sense multiple access with collision detection" (not "artifacts with sigstore", AWS). */
const SILENT = new Set(['with', 'for']);
/** The longest phrase read, in words. */
const MAX_WORDS = 8;
/** Letters in an abbreviation. */
const MIN_LETTERS = 2;
const MAX_LETTERS = 6;
/**
 * Letters an abbreviation read from a phrase's initials has at least: two-letter ones only come
 * from a definition ("IP" is "important piece" and "interception of packets" too often).
 */
const MIN_SPELT = 3;

/** One spelling out of an abbreviation: its words as written, lowercased. */
export interface Expansion {
  /** The abbreviation, lowercased ("mtu"). */
  abbreviation: string;
  /** The phrase's words ("maximum transmission unit"). */
  phrase: string;
}

/** What one question knows: the abbreviations its text says and the phrases its text spells out. */
export interface AbbreviationTable {
  /** Initials (lowercased) -> phrases of the question's own text with those initials, or defined as it anywhere in the bank. */
  phrases: ReadonlyMap<string, readonly string[]>;
  /** Abbreviations (lowercased) the question's own text uses -> phrases the bank defines for them (maybe none). */
  used: ReadonlyMap<string, readonly string[]>;
  /** The phrases of the question's own text (their words lowercased, space-separated): an answer that says one matches already. */
  said: ReadonlySet<string>;
  /** The abbreviations the bank writes: typed in lower case by a candidate they still are. */
  written: ReadonlySet<string>;
  /** Words the bank writes in lower case: such a word typed by a candidate is a word, not an abbreviation. */
  words: ReadonlySet<string>;
}

/**
 * The abbreviation a written token is, lowercased, or undefined: 2-6 letters, all capitals or
 * capitals with one small letter inside ("QoS"), maybe a plural "s" ("ACKs"); never a function
 * word written in capitals ("NOT", "IS").
 */
export function abbreviationOf(token: string): string | undefined {
  const bare = /^[A-Z]{2,}s$/.test(token) ? token.slice(0, -1) : token;
  if (bare.length < MIN_LETTERS || bare.length > MAX_LETTERS || !/^[A-Z][A-Za-z]*[A-Z]$/.test(bare)) return undefined;
  if (bare.replace(/[A-Z]/g, '').length > 1) return undefined;
  const lower = bare.toLowerCase();
  return STOP_WORDS.has(lower) || SMALL.has(lower) ? undefined : lower;
}

/** The clauses of a text: runs of words between punctuation other than a hyphen, slash or apostrophe. */
function clauses(text: string): string[][] {
  return text
    .split(/[.,;:!?()[\]{}"“”\n]+|\s[-–—]\s/)
    .map((c) =>
      c
        .replace(/[’']/g, '')
        .split(/\s+/)
        .flatMap((w) => w.split(/[-/]+/))
        .map((w) => w.toLowerCase())
        .filter(Boolean),
    )
    .filter((c) => c.length > 1);
}

/**
 * Every phrase of a text with the initials it spells: spans of up to MAX_WORDS words of one
 * clause, opening and closing with a word that is no small word and holding no other function
 * word nor a number, their small words counted and skipped. Initials of 2-6 letters only.
 */
export function phrasesOf(text: string, keep?: (initials: string) => boolean): Expansion[] {
  const out: Expansion[] = [];
  for (const words of clauses(text)) {
    // 0: a word that may open or close a phrase, 1: a small word, 2: neither (a function word, a number).
    const kind = words.map((w) => (SMALL.has(w) ? 1 : !/^[a-z]+$/.test(w) || STOP_WORDS.has(w) ? 2 : 0));
    for (let i = 0; i < words.length; i++) {
      if (kind[i] !== 0) continue;
      let all = (words[i] as string)[0] as string;
      let skipped = all;
      for (let j = i + 1; j < words.length && j < i + MAX_WORDS; j++) {
        if (kind[j] === 2) break;
        const w = words[j] as string;
        if (!SILENT.has(w)) all += w[0];
        if (kind[j] === 1) continue;
        skipped += w[0];
        if (skipped.length > MAX_LETTERS) break;
        for (const initials of all === skipped ? [all] : [all, skipped]) {
          if (initials.length >= MIN_SPELT && initials.length <= MAX_LETTERS && (!keep || keep(initials))) out.push({ abbreviation: initials, phrase: words.slice(i, j + 1).join(' ') });
        }
      }
    }
  }
  return out;
}

/**
 * The definitions a text states: "maximum transmission unit (MTU)" (the words before the
 * bracket, from the last one that opens with the abbreviation's first letter within as many
 * words as it has letters, small words aside) and "MTU (maximum transmission unit)" (the bracket's
 * words, when they open with that letter).
 */
export function definitionsOf(text: string): Expansion[] {
  const out: Expansion[] = [];
  for (const m of text.matchAll(/\(\s*([A-Za-z]{2,7})\s*[,)]/g)) {
    const abbreviation = abbreviationOf(m[1] as string);
    if (!abbreviation) continue;
    const before = text.slice(Math.max(0, m.index - 120), m.index);
    if (/[^\s\p{L}\p{N}’'/-]\s*$/u.test(before)) continue;
    const words = (clauses(before).at(-1) ?? []).filter((w) => /^[a-z]+$/.test(w));
    let content = 0;
    let phrase: string | undefined;
    for (let i = words.length - 1; i >= 0 && content < abbreviation.length; i--) {
      const w = words[i] as string;
      if (SMALL.has(w)) continue;
      if (STOP_WORDS.has(w)) break;
      content++;
      // One word opens with the abbreviation's first two letters ("acknowledgement (ACK)"), several with its first.
      if (w[0] === abbreviation[0] && (i < words.length - 1 || w.startsWith(abbreviation.slice(0, 2)))) phrase = words.slice(i).join(' ');
    }
    if (phrase) out.push({ abbreviation, phrase });
  }
  for (const m of text.matchAll(/\b([A-Za-z]{2,7})\s*\(\s*([\p{L}’' /-]{3,100})\s*\)/gu)) {
    const abbreviation = abbreviationOf(m[1] as string);
    const words = clauses(m[2] as string)[0] ?? [];
    if (abbreviation && words.length <= MAX_WORDS && words[0]?.[0] === abbreviation[0]) out.push({ abbreviation, phrase: words.join(' ') });
  }
  return out;
}

/** The abbreviations a text writes (lowercased). */
export function abbreviationsIn(text: string): Set<string> {
  const out = new Set<string>();
  for (const raw of text.split(/[^A-Za-z]+/)) {
    const a = abbreviationOf(raw);
    if (a) out.add(a);
  }
  return out;
}

/** What a bank says once for all its questions: its definitions and the words it writes in lower case. */
export interface BankAbbreviations {
  definitions: readonly Expansion[];
  written: ReadonlySet<string>;
  words: ReadonlySet<string>;
}

/** Read once per bank (profile.ts registerBank). */
export function bankAbbreviations(texts: readonly string[]): BankAbbreviations {
  const definitions: Expansion[] = [];
  const words = new Set<string>();
  for (const t of texts) {
    definitions.push(...definitionsOf(t));
    for (const w of t.split(/[^\p{L}]+/u)) if (/^[a-z]+$/.test(w)) words.add(w);
  }
  // Bank phrases whose initials spell an abbreviation the bank writes: its own definitions, unbracketed.
  const written = new Set(texts.flatMap((t) => [...abbreviationsIn(t)]));
  const defined = new Set(definitions.map((d) => d.abbreviation));
  const keep = (initials: string) => written.has(initials) && !defined.has(initials) && !words.has(initials);
  for (const t of texts) definitions.push(...phrasesOf(t, keep));
  return { definitions: dedupe(definitions), words, written };
}

function dedupe(list: readonly Expansion[]): Expansion[] {
  const seen = new Set<string>();
  return list.filter((e) => {
    const key = `${e.abbreviation}|${e.phrase}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One question's table, from its own text and its bank's definitions. */
export function abbreviationTable(ownText: string, bank: BankAbbreviations | undefined, asked = ''): AbbreviationTable {
  const phrases = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, phrase: string) => {
    const list = map.get(key) ?? [];
    if (!list.includes(phrase)) list.push(phrase);
    map.set(key, list);
  };
  const own = new Set(tokenize(ownText));
  // What the question itself names is its subject: the answer's name for it earns nothing (its words are echoes).
  const subject = new Set(tokenize(asked));
  const named = (phrase: string) => phrase.split(' ').every((w) => subject.has(w));
  const words = bank?.words ?? new Set(ownText.split(/[^\p{L}]+/u).filter((w) => /^[a-z]+$/.test(w)));
  const written = abbreviationsIn(ownText);
  const said = new Set<string>();
  for (const p of phrasesOf(ownText)) {
    said.add(p.phrase);
    if (!written.has(p.abbreviation) && !named(p.phrase)) add(phrases, p.abbreviation, p.phrase);
  }
  const used = new Map<string, string[]>();
  for (const a of written) if (!words.has(a) && !subject.has(a)) used.set(a, []);
  for (const d of [...definitionsOf(ownText), ...(bank?.definitions ?? [])]) {
    if (used.has(d.abbreviation)) add(used, d.abbreviation, d.phrase);
    // A definition whose phrase the question says: the candidate may type the abbreviation.
    if (d.phrase.split(' ').every((w) => own.has(w)) && !written.has(d.abbreviation) && !named(d.phrase)) add(phrases, d.abbreviation, d.phrase);
  }
  return { phrases, used, said, words, written: bank?.written ?? written };
}

/** Where features.ts splits sentences; an added form stays in its sentence. */
const SENTENCE_BREAK = /((?<=[.!?;])\s+|\n+)/;

/**
 * The answer with each abbreviation's expansion said beside it, in brackets, and each spelt-out
 * abbreviation the question uses added to its sentence, where the sentence lacks the other form:
 * "The MTU (maximum transmission unit) is ...". An answer's abbreviation is one written in
 * capitals, or of three letters or more typed in lower case, that is no word the bank writes in
 * lower case ("ttl", not "set").
 */
export function expandAbbreviations(answer: string, table: AbbreviationTable): string {
  if (table.phrases.size === 0 && table.used.size === 0) return answer;
  if (!mayExpand(answer, table)) return answer;
  let changed = false;
  const pieces = answer.split(SENTENCE_BREAK).map((sentence, i) => {
    if (i % 2 === 1) return sentence;
    const out = expandSentence(sentence, table);
    if (out !== sentence) changed = true;
    return out;
  });
  return changed ? pieces.join('') : answer;
}

/**
 * A cheap filter (most answers have nothing to expand): a word that is a key of the table, or
 * initials of the answer's words that hold an abbreviation the question uses.
 */
function mayExpand(answer: string, table: AbbreviationTable): boolean {
  const words = answer.split(/[^A-Za-z]+/).filter(Boolean);
  let all = '';
  let skipped = '';
  for (const w of words) {
    const lower = w.toLowerCase();
    if (table.phrases.has(lower) || (lower.endsWith('s') && table.phrases.has(lower.slice(0, -1)))) return true;
    all += lower[0];
    if (!SMALL.has(lower)) skipped += lower[0];
  }
  if (table.phrases.size && answer.includes('/')) return true;
  for (const a of table.used.keys()) if (all.includes(a) || skipped.includes(a)) return true;
  return false;
}

function expandSentence(sentence: string, table: AbbreviationTable): string {
  const lowered = ` ${tokenize(sentence).join(' ')} `;
  const has = (phrase: string) => lowered.includes(` ${phrase} `);
  const present = new Set(tokenize(sentence));
  const typed = (part: string): string | undefined => {
    const caps = abbreviationOf(part);
    // In lower case: one the bank writes in capitals, or with no vowel ("ttl", "nrz"; not "bad", "set").
    const lower = part.length >= 3 && /^[a-z]+$/.test(part) && !STOP_WORDS.has(part) && (table.written.has(part) || !/[aeiouy]/.test(part));
    const key = caps ?? (lower ? part : undefined);
    return key && !table.words.has(key) ? key : undefined;
  };
  // Abbreviation -> phrase.
  let out = sentence.replace(/(?<![\p{L}\p{N}])[A-Za-z]+(?:\/[A-Za-z]+)*(?![\p{L}\p{N}])/gu, (token) => {
    const adds: string[] = [];
    const keys = token.split('/').map(typed);
    if (token.includes('/')) keys.push(typed(token.replace(/\//g, '')));
    for (const key of keys) for (const phrase of key ? (table.phrases.get(key) ?? []) : []) if (!has(phrase) && !adds.includes(phrase)) adds.push(phrase);
    return adds.length ? `${token} (${adds.join(', ')})` : token;
  });
  // Phrase -> an abbreviation the question uses.
  if (table.used.size) {
    const spelt: string[] = [];
    for (const p of phrasesOf(sentence, (initials) => table.used.has(initials))) {
      if (table.used.has(p.abbreviation) && !present.has(p.abbreviation) && !spelt.includes(p.abbreviation) && !table.said.has(p.phrase)) spelt.push(p.abbreviation);
    }
    for (const [a, phrases] of table.used) if (!present.has(a) && !spelt.includes(a) && phrases.some((p) => has(p) && !table.said.has(p))) spelt.push(a);
    if (spelt.length) {
      const end = /[.!?;]*\s*$/.exec(out)?.index ?? out.length;
      out = `${out.slice(0, end)} (${spelt.map((a) => a.toUpperCase()).join(', ')})${out.slice(end)}`;
    }
  }
  return out;
}
