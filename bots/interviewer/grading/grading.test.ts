import { describe, expect, it } from '@jest/globals';
import type { Question } from '../../../core/interview/index.js';
import { directionOf } from './direction.js';
import { DIRECTION_FLIP_KEEPS, measure } from './features.js';
import { contentStems, tokenize } from './lexicon.js';
import { editDistance, indexStems, matchStem, MATCH_EXACT, MATCH_MORPH, MATCH_TYPO } from './match.js';
import { profileOf, registerBank } from './profile.js';
import { rubricFromReference, splitPoints } from './reference-rubric.js';
import { calibratedAccuracy, ON_TOPIC } from './score.js';
import { gradeAnswer } from '../rubric-evaluator.js';
import { referenceQuestion } from '../../../test/support/grading.js';

const question = referenceQuestion;

describe('a rubric derived from a reference answer', () => {
  it('splits lines, bullets, numbered items, sentences and clauses, keeping numbers whole', () => {
    expect(splitPoints('1. Slow start doubles cwnd\n2) Congestion avoidance adds one; halve on loss. Then repeat ● 0.5 P for a choice')).toEqual([
      'Slow start doubles cwnd',
      'Congestion avoidance adds one',
      'halve on loss.',
      'Then repeat',
      '0.5 P for a choice',
    ]);
  });

  it('keeps as key concepts only the points that say more than the question', () => {
    const rubric = rubricFromReference('Is UDP connectionless?', 'Yes, UDP is connectionless. It sends datagrams without a handshake.');
    expect(rubric.keyConcepts.map((k) => k.concept)).toEqual(['It sends datagrams without a handshake.']);
    expect(rubricFromReference('Is UDP connectionless?', 'UDP is connectionless.').keyConcepts.map((k) => k.concept)).toEqual(['UDP is connectionless.']);
    expect(rubricFromReference('What is TCP?', 'TCP. Reliable delivery.').keyConcepts.map((k) => k.concept)).toEqual(['Reliable delivery.']);
  });
});

describe('alternatives in a reference answer', () => {
  const reference = 'B is the least likely. One of the following justifications should be given:\n● B is a special case of C, and C of A\n● P(B) = 0.0138 < P(C) = 0.2765 < P(A) = 0.8208\nNote: rounding is fine.';
  const q = question('alternatives', 'Order the events B, C and A by likelihood and justify.', reference);

  it('makes the points after "one of the following" one concept said by any of them, without the announcement', () => {
    expect(q.rubric.keyConcepts.map((k) => [k.concept, k.synonyms])).toEqual([
      ['B is the least likely.', []],
      ['B is a special case of C, and C of A', ['P(B) = 0.0138 < P(C) = 0.2765 < P(A) = 0.8208']],
      ['Note: rounding is fine.', []],
    ]);
  });

  it('counts an answer that gives one of the alternatives as covering the concept', () => {
    const features = measure(profileOf(q), 'B, C, A: P(B) = 0.0138, P(C) = 0.2765, P(A) = 0.8208.');
    expect(features.perConcept[1]).toBeGreaterThan(0.8);
    expect(measure(profileOf(q), 'B, C, A because B is a special case of C, and C of A.').perConcept[1]).toBe(1);
  });
});

describe('examples in a reference answer', () => {
  it('does not need a point\'s example to say the point', () => {
    const q = question('example', 'What happens to the collision domain diameter at ten times the speed?', 'The diameter decreases by a factor of 10, e.g. from 3000 m to 300 m.');
    expect(q.rubric.keyConcepts[0]?.synonyms).toEqual(['The diameter decreases by a factor of 10']);
    expect(measure(profileOf(q), 'The diameter decreases by a factor of 10.').perConcept[0]).toBe(1);
    expect(rubricFromReference('Name a queue.', 'For example a FIFO queue.').keyConcepts[0]?.synonyms).toEqual([]);
  });
});

describe('words', () => {
  it('reads an address or a version of three parts or more as its parts, and keeps decimals and dotted names whole', () => {
    expect(tokenize('127.0.0.1 and 127.xx.yy.zz, node.js 0.5 v1.2')).toEqual(['127', '0', '0', '1', 'and', '127', 'xx', 'yy', 'zz', 'node.js', '0.5', 'v1.2']);
  });

  it('reads a decimal comma as a point and a percentage as its fraction, not a thousands group nor a list', () => {
    expect(tokenize('p = 0,2765; 27,65% or 1.38 % of 1,000 users, 50 percent, 100%, ids 1,2,3')).toEqual(
      ['p', '0.2765', '0.2765', 'or', '0.0138', 'of', '1', '000', 'users', '0.5', '1', 'ids', '1', '2', '3'],
    );
  });
});

describe('tolerant matching', () => {
  it('counts edit distance with transpositions, and gives up past the limit', () => {
    expect(editDistance('recieve', 'receive', 2)).toBe(1);
    expect(editDistance('kitten', 'sitting', 3)).toBe(3);
    expect(editDistance('abcdef', 'uvwxyz', 1)).toBe(2);
  });

  it('matches the same word with a known ending or a typo, not a different word', () => {
    const index = indexStems(contentStems('encryption of the routing tables, retransmision, static config'));
    expect(matchStem('encrypt', index)).toBe(MATCH_MORPH);
    expect(matchStem(contentStems('retransmission')[0] as string, index)).toBe(MATCH_TYPO);
    expect(matchStem(contentStems('state')[0] as string, index)).toBe(0);
    expect(matchStem('connection', indexStems(contentStems('connectionless')))).toBe(0);
  });

  it('matches a number rounded or cut to the decimals the answer shows, with two significant digits at least', () => {
    const index = indexStems(contentStems('P(C) is about 27,65 % and P(A) = 0.82, P(B) = 0.01'));
    expect(matchStem('0.27648', index)).toBe(MATCH_TYPO);
    expect(matchStem('0.8208', index)).toBe(MATCH_TYPO);
    expect(matchStem('0.013824', index)).toBe(0); // "0.01" is one significant digit
    expect(matchStem('0.2865', index)).toBe(0);
    expect(matchStem('0.82', index)).toBe(MATCH_EXACT);
  });
});

describe('weights from the bank', () => {
  it('weighs a word rare in the bank more than a word every question uses', () => {
    const texts = ['frames', 'packets', 'routing', 'bridges', 'switches'];
    const bank = texts.map((t, i) => question(`idf-${i}`, `How do ${t} move through the network?`, `The network forwards ${t} hop by hop; checksum protects them.`));
    bank.push(question('idf-x', 'Why do links fail?', 'Cables break and the network reroutes around a checksum error with flooding.'));
    registerBank(bank);
    const target = bank[5] as Question;
    const rare = measure(profileOf(target), 'flooding').referenceRecall;
    const common = measure(profileOf(target), 'network').referenceRecall;
    expect(rare).toBeGreaterThan(common);
  });
});

describe('concept coverage', () => {
  it('counts a concept said in one sentence, not its words scattered over the answer', () => {
    const q = question('one-sentence', 'What does an empty dependency array do?', 'An empty array runs the effect once, after mount.');
    const said = measure(profileOf(q), 'An empty array runs the effect once, after mount.').perConcept[0] as number;
    const scattered = measure(profileOf(q), 'The effect runs after mount. Once the array is empty, nothing else happens.').perConcept[0] as number;
    expect(said).toBe(1);
    expect(scattered).toBeLessThan(0.8);
  });

  it('does not count a concept the answer states the other way round', () => {
    const q = question('polarity', 'Are packet arrivals in real traffic independent?', 'Arrivals are not independent; traffic comes in bursts.');
    const profile = profileOf(q);
    expect(q.rubric.keyConcepts.map((k) => k.concept)).toEqual(['Arrivals are not independent', 'traffic comes in bursts.']);
    expect(measure(profile, 'Arrivals are not independent, they come in bursts.').perConcept[0]).toBe(1);
    expect(measure(profile, 'Arrivals are independent, they come in bursts.').perConcept[0]).toBeLessThan(0.6);
  });
});

describe('which way a quantity moves', () => {
  const q = question('direction', 'What happens to the maximum cable length of a CSMA/CD segment at a tenfold bit rate?', 'The maximum cable length decreases by a factor of 10.');

  it('reads the way from the verbs of change only, and no way when a sentence says both', () => {
    expect(directionOf('The length shrinks by a factor of 10.')).toBe(-1);
    expect(directionOf('It doubled.')).toBe(1);
    expect(directionOf('The header is shorter and has fewer fields.')).toBe(0);
    expect(directionOf('If the bit rate increases, the length decreases.')).toBe(0);
  });

  it('counts another word of the same way as the reference\'s, and less of a sentence that says the other way', () => {
    const profile = profileOf(q);
    const coverage = (answer: string) => measure(profile, answer).perConcept[0] as number;
    expect(coverage('The maximum cable length shrinks by a factor of 10.')).toBe(coverage('The maximum cable length decreases by a factor of 10.'));
    expect(coverage('The maximum cable length shrinks by a factor of 10.')).toBeGreaterThan(coverage('The maximum cable length changes by a factor of 10.'));
    expect(coverage('The maximum cable length increases by a factor of 10.')).toBeCloseTo(DIRECTION_FLIP_KEEPS * coverage('The maximum cable length changes by a factor of 10.'), 6);
    const grade = (answer: string) => gradeAnswer(q, answer).technicalAccuracy;
    expect(grade('It is reduced: the cable length is divided by 10.')).toBeGreaterThan(grade('It is changed: the cable length is divided by 10.'));
    expect(grade('The maximum cable length increases by a factor of 10.')).toBeLessThan(grade('The maximum cable length changes by a factor of 10.'));
  });
});

describe('staying on the question topic', () => {
  const q = question('on-topic', 'What does a database index do?', 'An index keeps a sorted copy of some columns, so lookups and range scans avoid reading the whole table; writes get slower and it takes storage.');

  it('measures the share of the answer in the words of the reference or the question, leaving out letters and numbers', () => {
    const profile = profileOf(q);
    expect(measure(profile, 'Lookups avoid reading the whole table.').topicShare).toBe(1);
    expect(measure(profile, 'Lookups avoid reading the whole payroll.').topicShare).toBeLessThan(1);
    expect(measure(profile, 'Payroll software, websites and games.').topicShare).toBe(0);
    expect(measure(profile, 'Columns A, B and 10.').topicShare).toBe(1);
  });

  it('ranks a wrong answer about the question above a ramble about something else, and stops counting at ON_TOPIC.upTo', () => {
    const about = gradeAnswer(q, 'An index makes writes faster because the table is read less often.');
    const ramble = gradeAnswer(q, 'Companies use all kinds of software for payroll, websites and games.');
    expect(about.technicalAccuracy).toBeGreaterThan(ramble.technicalAccuracy);
    const features = measure(profileOf(q), 'Payroll software, websites and games.');
    const at = (topicShare: number) => calibratedAccuracy({ ...features, conceptCoverage: 0.3, referenceRecall: 0.3, cosine: 0.3, topicShare });
    expect(at(ON_TOPIC.upTo)).toBeGreaterThan(at(0));
    expect(at(1)).toBe(at(ON_TOPIC.upTo));
  });
});
