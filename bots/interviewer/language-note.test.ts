import { describe, expect, it } from '@jest/globals';
import { offlineLanguageNote } from './language-note.js';

const answer = (text: string, unparseable = false) => ({ text, unparseable });

describe('offlineLanguageNote', () => {
  it('says nothing when every answer is English', () => {
    expect(offlineLanguageNote([answer('A closure keeps the variables of the scope it was created in.'), answer('I would use an index on that column.')])).toBeUndefined();
  });

  it('names answers it graded as written and answers it could not grade', () => {
    expect(
      offlineLanguageNote([
        answer('Une closure garde les variables de la portée où elle a été créée.'),
        answer('Je ne sais pas vraiment comment expliquer cela, désolé.', true),
        answer('I would use an index on that column.'),
      ]),
    ).toBe(
      "1 of 3 answers were in Français and the offline grader graded them as written, without translation (it matches the English rubric's terms): their scores may understate them; 1 answer in Français could not be graded by the offline grader (it reads English only): read it yourself. Set OPENAI_API_KEY for grading across languages.",
    );
  });
});
