import { describe, expect, it } from '@jest/globals';
import { gradeAnswer } from '../rubric-evaluator.js';
import { ASKED_SHARE_FLOOR, profileOf } from './profile.js';
import { askedCount, firstPick, pickOf } from './question-rules.js';
import { COMPLETENESS, completeness } from './score.js';
import { referenceQuestion } from '../../../test/support/grading.js';

const question = referenceQuestion;

describe('how many items a question asks for', () => {
  it.each([
    ['Name the 3 service classes the Data Link Layer offers and explain the differences.', 4],
    ['Which technique should be used? Give two reasons for your answer in 2-4 sentences.', 3],
    ['What is memoization? Also, give 1 advantage and disadvantage compared to a shared cache.', 3],
    ['What are the goals of semantic versioning? Please state at least 3 goals.', 3],
    ['Name two tasks of a load balancer and describe how health checks work.', 3],
    ['Describe two benefits and two drawbacks in 1-2 sentences each.', 4],
    ['Name the two modes of control plane distribution and name one downside for each of them.', 3],
    ['Discuss 3 methods (each with at least one advantage and disadvantage) that address duplicates.', 3],
    ['State at least 4 of the differences between the UDP and TCP headers.', 4],
    ['Is it better to use a connection-oriented service? Explain your answer in 1-4 sentences.', 0],
    ['Summarize their respective functions in one sentence each.', 0],
    ['What is the Dynamic Host Configuration Protocol used for?', 0],
  ])('%s -> %d', (text, count) => {
    expect(askedCount(text)).toBe(count);
  });

  it('grades an answer naming two of four listed advantages higher when the question asks for two', () => {
    const reference =
      'Possible advantages: Replication keeps a standby copy, so a failure does not stop the network. Partitioning spreads the load over several controllers. A hierarchy keeps local decisions close to the switches. Logging every change makes audits easy.';
    const answer = 'Replication keeps a standby copy of the controller, so a failure does not stop the network, and partitioning spreads the load over several controllers.';
    const askedTwo = gradeAnswer(question('asked-two', 'Name two advantages of distributing the SDN control plane.', reference), answer);
    const askedAll = gradeAnswer(question('asked-all', 'What are the advantages of distributing the SDN control plane?', reference), answer);
    expect(askedTwo.technicalAccuracy).toBeGreaterThan(askedAll.technicalAccuracy);
  });
});

describe('an answer that takes the other side of the question', () => {
  const choice = question(
    'choice',
    'You browse many websites briefly. Is it better to use a connection-oriented or connectionless service here? Explain in 1-2 sentences.',
    'Connectionless, because each exchange with a website is short, and setting up and tearing down a connection for every website costs more than the data itself.',
  );

  it('is poor and says which side it took, though it shares most words with the reference', () => {
    const wrong = gradeAnswer(choice, 'Connection-oriented, because every exchange with a website is short, and setting up a connection for each one costs little compared to the data itself.');
    const right = gradeAnswer(choice, 'Connectionless: every exchange with a website is short, so setting up and tearing down a connection for each one would cost more than the data itself.');
    expect(wrong.quality).toBe('poor');
    expect(wrong.redFlags).toEqual(['chose "oriented" where the reference answer says "connectionless"']);
    expect(right.redFlags).toEqual([]);
    expect(right.quality).toBe('excellent');
  });

  it('is not one when the answer names the right side first and the other to reject it', () => {
    const e = gradeAnswer(choice, 'Connectionless is better than connection-oriented here: each exchange is short and a connection setup per website costs more than the data.');
    expect(e.redFlags).toEqual([]);
    expect(['good', 'excellent']).toContain(e.quality);
  });

  it('opens with the other yes or no to a yes/no question', () => {
    const yesNo = question(
      'yes-no',
      'We modelled arrivals as independent in each interval. Does this assumption hold for real internet traffic?',
      'No. Real internet traffic comes in bursts, so an arrival makes further arrivals more likely and the intervals are not independent.',
    );
    const wrong = gradeAnswer(yesNo, 'Yes, internet traffic comes in bursts, arrivals in one interval are independent of the others.');
    expect(wrong.redFlags).toEqual(['answered "yes" where the reference answer says "no"']);
    expect(wrong.quality).toBe('poor');
    expect(gradeAnswer(yesNo, 'No, internet traffic comes in bursts: one arrival makes more arrivals likely, so intervals are not independent.').redFlags).toEqual([]);
  });

  it('is not read into a reference that does not open with its side', () => {
    const q = question('no-side', 'Is caching or batching the better fix for slow lookups?', 'Both help, but caching is usually the better fix because lookups repeat.');
    expect(gradeAnswer(q, 'Batching helps when lookups arrive together, and caching is the usual fix since lookups repeat.').redFlags).toEqual([]);
  });

  it('is not read into questions about the candidate or open questions', () => {
    const taste = question('taste', 'Do you prefer REST or GraphQL for a public API?', 'REST for a public API: caching and tooling are simpler.');
    expect(gradeAnswer(taste, 'GraphQL, because clients pick the fields they need and caching can be handled per query.').redFlags).toEqual([]);
    const open = question('open', 'REST or GraphQL - when would you choose each?', 'REST when caching and simple tooling matter; GraphQL when clients need flexible queries.');
    expect(gradeAnswer(open, 'GraphQL when many clients need different fields, REST when HTTP caching matters.').redFlags).toEqual([]);
  });
});

describe('an answer that picks another thing than the reference where the question asks which one to use', () => {
  const method = question(
    'pick-method',
    'A client changes one field of a large user record. Which HTTP method should be used for this request? Give one reason.',
    'PATCH, because it sends only the changed field and applies a partial update to the resource, while PUT replaces the whole resource.',
  );
  const encoding = question(
    'pick-encoding',
    'Three hosts with perfect clocks share a congested link. Which of the encoding techniques from the lecture should be used here? Give two reasons.',
    'Binary encoding, as it carries a full bit per baud instead of half a bit, and with perfect clocks self-clocking is not needed.',
  );

  it('reads the pick from a "which ... should be used" question and the reference\'s first phrase', () => {
    expect(pickOf(method.text, method.referenceAnswer ?? '')).toEqual({ words: 'patch', stems: ['patch'] });
    expect(pickOf(encoding.text, encoding.referenceAnswer ?? '')).toEqual({ words: 'binary encoding', stems: ['binary'] });
    expect(firstPick('I would recommend the Manchester encoding, since it clocks itself.')?.words).toBe('manchester encoding');
    expect(firstPick('As all clocks are perfect, binary encoding is enough.')).toBeUndefined();
    expect(firstPick('Given perfect clocks, binary encoding is enough.')).toBeUndefined();
  });

  it.each([
    ['Which index type should be used for a range query on timestamps?', 'A B-tree index, since it keeps keys in order.', 'b tree index'],
    ['What would you use to run a job every night on a Linux server?', 'Cron, because it is on every Linux server.', 'cron'],
    ['For a cache shared by ten instances, which store is best?', 'Redis: one network store every instance reads.', 'redis'],
    ['Which queue do you recommend for the payment events?', 'Kafka, as it keeps the events for replay.', 'kafka'],
    ['Which HTTP client library do you prefer?', 'Undici, because it is built in.', undefined],
    ['Which tools do you use to debug a slow query?', 'EXPLAIN, because it shows the plan.', undefined],
    ['Which HTTP method should be used to remove a resource?', 'The DELETE method, because it is idempotent.', 'delete method'],
    ['Which HTTP method should be used to delete a resource?', 'DELETE, because it is idempotent.', undefined],
    ['Which database have you used most, and why?', 'PostgreSQL, because it is reliable.', undefined],
    ['What is a B-tree index?', 'A balanced tree, since it keeps keys in order.', undefined],
    ['What protocol is used to give hosts their addresses?', 'DHCP, because a server leases each host an address.', 'dhcp'],
    ['What is DHCP used for?', 'Leasing IP addresses to hosts, so nobody configures them by hand.', undefined],
    ['Which HTTP method should be used to update part of a resource?', 'It depends on the API, but usually PATCH.', undefined],
  ])('%s / %s -> %s', (text, reference, words) => {
    expect(pickOf(text, reference)?.words).toBe(words);
  });

  it('is poor and says what it picked, though its reasons are the reference\'s', () => {
    const wrong = gradeAnswer(method, 'PUT should be used, because it sends only the changed field and applies a partial update to the resource.');
    expect(wrong.redFlags).toEqual(['chose "put" where the reference answer says "patch"']);
    expect(wrong.quality).toBe('poor');
    const right = gradeAnswer(method, 'I would use PATCH: it sends only the changed field and applies a partial update, while PUT replaces the whole resource.');
    expect(right.redFlags).toEqual([]);
    const other = gradeAnswer(encoding, 'Manchester encoding should be used, as it carries a full bit per baud and with perfect clocks self-clocking is not needed.');
    expect(other.redFlags).toEqual(['chose "manchester encoding" where the reference answer says "binary encoding"']);
    expect(other.technicalAccuracy).toBeLessThan(0.4 * gradeAnswer(encoding, 'Binary encoding should be used, as it carries a full bit per baud and with perfect clocks self-clocking is not needed.').technicalAccuracy);
  });

  it('is not one when the answer names the reference\'s pick anywhere, opens with a reason, or the question asks about the candidate', () => {
    expect(gradeAnswer(encoding, 'Since the clocks are perfect, no self-clocking is needed, so binary encoding (a full bit per baud) should be used.').redFlags).toEqual([]);
    expect(gradeAnswer(encoding, 'The simplest one: Bianry encoding carries a full bit per baud and perfect clocks need no self-clocking.').redFlags).toEqual([]);
    // Without naming the pick, an answer that opens with a condition or with the question's own words picks nothing else.
    expect(gradeAnswer(encoding, 'When every clock is perfect, no self-clocking is needed and a full bit per baud suits the congested link.').redFlags).toEqual([]);
    expect(gradeAnswer(encoding, 'The encoding technique should carry a full bit per baud, since with perfect clocks self-clocking is not needed.').redFlags).toEqual([]);
    const taste = question('pick-taste', 'Which HTTP client library do you prefer for a Node.js service?', 'Undici, because it is the built-in fetch of Node.js.');
    expect(gradeAnswer(taste, 'Axios, because interceptors make retries and auth headers easy.').redFlags).toEqual([]);
  });
});

describe('how complete an answer is by its length', () => {
  it('needs only the share of the reference the question asks for, down to ASKED_SHARE_FLOOR of it', () => {
    const reference = 'Single responsibility: one reason to change. Open-closed: extend without editing. Liskov substitution: subtypes keep the contract. Interface segregation: small interfaces. Dependency inversion: depend on abstractions.';
    const two = profileOf(question('solid-two', 'Name two of the SOLID principles.', reference));
    const all = profileOf(question('solid-all', 'What are the SOLID principles?', reference));
    expect(all.completeLength).toBe(all.referenceLength);
    expect(two.completeLength).toBeCloseTo(two.referenceLength * Math.max(2 / 5, ASKED_SHARE_FLOOR));
    expect(profileOf(question('solid-one', 'Name one of the SOLID principles.', reference)).completeLength).toBeCloseTo(two.referenceLength * ASKED_SHARE_FLOOR);
    const answer = 'Single responsibility, one reason to change; dependency inversion, depend on abstractions.';
    expect(gradeAnswer(question('solid-two-graded', 'Name two of the SOLID principles.', reference), answer).technicalAccuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('needs half the reference answer, but never more than 40 content words', () => {
    expect(COMPLETENESS).toMatchObject({ fullAt: 0.5, capWords: 40 });
    expect(completeness({ words: 10, referenceWords: 40 })).toBe(0.5);
    expect(completeness({ words: 40, referenceWords: 200 })).toBe(1);
    expect(completeness({ words: 10, referenceWords: 200 })).toBe(0.25);
    expect(completeness({ words: 3, referenceWords: 0 })).toBe(1);
  });

  it('gives a long answer no credit for its length when it names nothing of the rubric, and keeps one that grazes it poor', () => {
    const q = question('length-alone', 'What does a bridge table hold?', 'It maps each station address to the LAN port it was last seen on; entries age out after a few minutes.');
    const rambling = 'Tables are important in many systems and there are lots of different kinds of them, which is why engineers always think carefully about';
    expect(gradeAnswer(q, `${rambling} them before they build anything at all in a network.`).technicalAccuracy).toBeLessThan(0.1);
    expect(gradeAnswer(q, `${rambling} every port before they build anything at all in a network.`).quality).toBe('poor');
  });
});
