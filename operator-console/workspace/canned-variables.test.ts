import { describe, expect, it } from '@jest/globals';
import { fillCannedText, formatInterviewTime } from './canned-variables.js';

describe('fillCannedText', () => {
  it.each([
    ['Hi {{candidate.name}}!', { 'candidate.name': 'Ana' }, 'Hi Ana!', []],
    ['Hi {{ candidate.name }}, {{role}}', { 'candidate.name': 'Ana', role: 'Python Developer' }, 'Hi Ana, Python Developer', []],
    ['I am {{recruiter.name}}; see you {{nextInterview}}', { 'recruiter.name': 'Bo' }, 'I am Bo; see you {{nextInterview}}', ['nextInterview']],
    ['{{role}} and {{role}}', { role: '  ' }, '{{role}} and {{role}}', ['role']],
    ['{{unknown}} and {{candidate.email}} stay', {}, '{{unknown}} and {{candidate.email}} stay', []],
    ['No variables', {}, 'No variables', []],
    // A value is inserted as written: braces in a name are not read as variables again.
    ['Hi {{candidate.name}}', { 'candidate.name': '{{role}}' }, 'Hi {{role}}', []],
  ])('%s', (text, values, filled, missing) => {
    expect(fillCannedText(text, values)).toEqual({ text: filled, missing });
  });
});

describe('formatInterviewTime', () => {
  it('reads the time in the candidate\'s zone, and UTC for a zone it does not know', () => {
    const at = new Date('2026-05-01T09:00:00Z');
    expect(formatInterviewTime(at, 'Europe/Lisbon')).toBe('Friday, 1 May 2026 at 10:00 (Europe/Lisbon)');
    expect(formatInterviewTime(at, 'Mars/Olympus')).toBe('Friday, 1 May 2026 at 09:00 (UTC)');
  });
});
