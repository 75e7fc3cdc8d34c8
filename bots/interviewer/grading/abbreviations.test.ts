import { describe, expect, it } from '@jest/globals';
import type { Question } from '../../../core/interview/index.js';
import { gradeAnswer } from '../rubric-evaluator.js';
import { abbreviationOf, definitionsOf, expandAbbreviations, phrasesOf } from './abbreviations.js';
import { measure } from './features.js';
import { profileOf, registerBank } from './profile.js';

const question = (id: string, text: string, referenceAnswer: string, concepts: string[]): Question => ({
  id,
  skill: 'python',
  level: 'intermediate',
  text,
  readingTimeSec: 30,
  referenceAnswer,
  rubric: {
    keyConcepts: concepts.map((concept) => ({ concept, synonyms: [], weight: 1 })),
    strongAnswerPoints: [referenceAnswer],
    redFlags: [],
  },
});

// A bank in the shipped banks' style: the abbreviation in one question, its phrase in another.
const filler = ['How do you profile a slow endpoint?', 'What is a context manager?', 'How do you pin dependencies?', 'What does a decorator do?', 'How do you test a CLI?'].map((t, i) =>
  question(`abbr-filler-${i}`, t, `A plain answer about ${t.toLowerCase()}`, ['plain answer']),
);
const gilSpelt = question(
  'abbr-gil-spelt',
  'Why do CPU-bound threads not speed up a CPython program?',
  'The global interpreter lock lets one thread execute bytecode at a time, so CPU-bound threads take turns; use processes instead.',
  ['global interpreter lock', 'one thread executes bytecode at a time', 'use processes'],
);
const gilShort = question(
  'abbr-gil-short',
  'When do threads help a CPython program, and when not?',
  'Threads help with I/O-bound work, because the GIL is released while waiting; CPU-bound work needs processes.',
  ['GIL released while waiting', 'processes for CPU-bound work'],
);
const ack = question(
  'abbr-ack',
  'How does a stop-and-wait sender know a frame arrived?',
  'The receiver returns an acknowledgement for each frame; without one before the timeout the sender retransmits.',
  ['acknowledgement for each frame', 'retransmits after timeout'],
);
const ackDefined = question('abbr-ack-defined', 'What does a cumulative acknowledgement (ACK) confirm?', 'Every byte before the number it carries.', ['every byte before the number']);
const ttl = question(
  'abbr-ttl',
  'Why does a routing loop not keep an IP packet forever?',
  'Each packet carries a time to live that every router decrements; at zero the packet is dropped.',
  ['time to live decremented by every router', 'dropped at zero'],
);
const csma = question(
  'abbr-csma',
  'How does classic Ethernet share one cable?',
  'It uses carrier sense multiple access with collision detection: listen before sending, stop on a collision and back off.',
  ['carrier sense multiple access with collision detection', 'back off after a collision'],
);
const dqdb = question('abbr-dqdb', 'What is the problem with Distributed Queue Dual Buses?', 'Fairness depends on the station position on the bus.', ['fairness depends on position']);
const jam = question('abbr-jam', 'What does a station do on a collision in a shared medium?', 'It sends a jam signal and must stop every transmission until its backoff ends.', ['jam signal', 'stop every transmission']);
registerBank([...filler, gilSpelt, gilShort, ack, ackDefined, ttl, csma, dqdb, jam]);

const coverage = (q: Question, answer: string, concept: number) => measure(profileOf(q), answer).perConcept[concept] as number;

describe('abbreviations read from the bank', () => {
  it('spells initials with hyphenated and slashed parts split, small words counted or skipped', () => {
    const spelt = phrasesOf('Use non-return-to-zero encoding and a time to live.').map((p) => `${p.abbreviation}=${p.phrase}`);
    expect(spelt).toEqual(expect.arrayContaining(['nrz=non return to zero', 'nrtz=non return to zero', 'ttl=time to live', 'nrze=non return to zero encoding']));
    // Initials come from within a clause and from no function word nor number.
    expect(phrasesOf('Consider the following, 3 users').map((p) => p.abbreviation)).toEqual([]);
  });

  it('reads definitions either way round, and a token as an abbreviation only in capitals', () => {
    expect(definitionsOf('Packets above the maximum transmission unit (MTU) are split; the TTL (time to live) field counts hops.')).toEqual([
      { abbreviation: 'mtu', phrase: 'maximum transmission unit' },
      { abbreviation: 'ttl', phrase: 'time to live' },
    ]);
    // "(LCP, ...)" defines too; one word defines only when it opens with the abbreviation's first two letters.
    expect(definitionsOf('Largest Contentful Paint (LCP, loading) and an acknowledgement (ACK); reduce server response time (TTFB).')).toEqual([
      { abbreviation: 'lcp', phrase: 'largest contentful paint' },
      { abbreviation: 'ack', phrase: 'acknowledgement' },
    ]);
    // "with" and "for" join a term's words without a letter of their own: "artifacts with sigstore" is no AWS.
    expect(phrasesOf('Sign artifacts with sigstore.').map((p) => p.abbreviation)).not.toContain('aws');
    expect([abbreviationOf('ACKs'), abbreviationOf('QoS'), abbreviationOf('GIL')]).toEqual(['ack', 'qos', 'gil']);
    expect([abbreviationOf('NOT'), abbreviationOf('IS'), abbreviationOf('Ack'), abbreviationOf('ABCDEFG'), abbreviationOf('IPv4')]).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('an abbreviation counts as its phrase, and the reverse', () => {
  it('covers "global interpreter lock" with "GIL"', () => {
    const spelt = coverage(gilSpelt, 'Because of the global interpreter lock.', 0);
    expect(spelt).toBe(1);
    expect(coverage(gilSpelt, 'Because of the GIL.', 0)).toBe(1);
    const short = gradeAnswer(gilSpelt, 'The GIL lets one thread execute bytecode at a time, so CPU-bound threads take turns; use processes instead.');
    expect(short.coveredConcepts).toContain('global interpreter lock');
  });

  it('covers "GIL" with "global interpreter lock", an abbreviation the question uses written out', () => {
    expect(coverage(gilShort, 'The global interpreter lock is released while waiting.', 0)).toBeGreaterThan(0.9);
    expect(gradeAnswer(gilShort, 'They help with I/O-bound work because the global interpreter lock is released while waiting; CPU-bound work needs processes.').coveredConcepts).toEqual([
      'GIL released while waiting',
      'processes for CPU-bound work',
    ]);
  });

  it('reads an abbreviation the bank defines elsewhere ("acknowledgement (ACK)")', () => {
    expect(coverage(ack, 'The receiver returns an ACK for each frame.', 0)).toBe(1);
  });

  it('reads an abbreviation typed in lower case when it has no vowel ("ttl")', () => {
    expect(coverage(ttl, 'The ttl is decremented by every router.', 0)).toBe(1);
    expect(coverage(ttl, 'The TTL is decremented by every router.', 0)).toBe(1);
  });

  it('reads a slashed abbreviation whole ("CSMA/CD")', () => {
    expect(coverage(csma, 'Ethernet uses CSMA/CD.', 0)).toBe(1);
  });
});

describe('false friends', () => {
  it('leaves function words, capitalised words, vowelled lower-case words and numbers alone', () => {
    const table = profileOf(ttl).abbreviations;
    for (const answer of ['It is on, or as the router says.', 'IT IS ON OR AS said.', 'A bad setup, 3 times.', 'TTL2 and 10 hops']) expect(expandAbbreviations(answer, table)).toBe(answer);
    // "set" spells "stop every transmission", "SM" "shared medium": a word, and two letters read from initials.
    for (const answer of ['Then set the flag.', 'The SM is busy.']) expect(expandAbbreviations(answer, profileOf(jam).abbreviations)).toBe(answer);
    expect(expandAbbreviations('Send a JS, then SET.', profileOf(jam).abbreviations)).toBe('Send a JS, then SET (stop every transmission).');
  });

  it("gives naming the question's own subject by its abbreviation nothing", () => {
    expect(expandAbbreviations('DQDB is unfair.', profileOf(dqdb).abbreviations)).toBe('DQDB is unfair.');
  });

  it('does not add the other form when the answer says both', () => {
    const answer = 'The global interpreter lock (GIL) stops it.';
    expect(expandAbbreviations(answer, profileOf(gilSpelt).abbreviations)).toBe(answer);
  });
});
