import { describe, expect, it } from '@jest/globals';
import { gradeAnswer } from '../rubric-evaluator.js';
import { profileOf, registerBank } from './profile.js';
import { chanceBlend } from './score.js';
import { referenceQuestion } from '../../../test/support/grading.js';

const question = referenceQuestion;

describe("the content score counts from the question's chance level", () => {
  // Every question of this bank speaks of a sender, data packets and the network; so does the target's reference.
  const devices = ['a router', 'a bridge', 'a switch', 'a firewall', 'a hub', 'a proxy'];
  const bank = devices.map((d, i) => question(`chance-${i}`, `What does ${d} do when the sender transmits data packets to the receiver over the network?`, `It forwards the packets of ${d} by table lookup.`));
  const target = question('chance-x', 'How does a receiver notice a lost frame?', 'The sender transmits data packets over the network; the receiver checks sequence numbers and a timeout triggers retransmission.');
  registerBank([...bank, target]);

  it("gives an answer made of the bank's everyday words little, and a complete answer full marks", () => {
    expect(chanceBlend(profileOf(target))).toBeGreaterThan(0.2);
    const generic = gradeAnswer(target, 'The sender transmits data packets over the network to the receiver.').technicalAccuracy;
    const specific = gradeAnswer(target, 'Sequence numbers show a gap, and a timeout triggers retransmission.').technicalAccuracy;
    expect(generic).toBeLessThan(0.7); // 0.8 when the content score counts from zero
    expect(specific).toBeGreaterThan(generic);
    expect(gradeAnswer(target, target.referenceAnswer as string).technicalAccuracy).toBe(1);
  });

  it('is zero for a question of no known bank', () => {
    expect(chanceBlend(profileOf(question('chance-alone', target.text, target.referenceAnswer as string)))).toBe(0);
  });
});
