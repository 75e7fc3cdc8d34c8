import { describe, expect, it } from '@jest/globals';
import { extractName, intakePrompt, intakeTransition, matchRole, type IntakeState } from './intake.js';

const roles = [
  { id: 'react', title: 'React Developer' },
  { id: 'python', title: 'Python Developer' },
  { id: 'javascript', title: 'JavaScript Developer' },
  { id: 'fullstack', title: 'Full-Stack Developer' },
];
const input = (text: string, name?: string) => ({ text, candidate: name ? { name } : {}, roles, companyName: 'Acme' });

describe('intakeTransition', () => {
  it.each<[string, IntakeState | undefined, string, string, RegExp]>([
    ['first words greet and ask consent', undefined, 'hi', 'consent', /agree to continue/],
    ['yes gives consent', { step: 'consent', retries: 0 }, 'Yes, continue', 'name', /What is your name/],
    ['"1" picks the first choice', { step: 'consent', retries: 0 }, '1', 'name', /What is your name/],
    ['"sure!" gives consent', { step: 'consent', retries: 0 }, 'sure!', 'name', /What is your name/],
    ['no declines politely', { step: 'consent', retries: 0 }, 'no thanks', 'declined', /won't continue/],
    ['unclear consent asks again', { step: 'consent', retries: 0 }, 'what is this?', 'consent', /yes or no/],
    ['declined can change their mind', { step: 'declined', retries: 0 }, 'yes', 'name', /What is your name/],
    ['a name moves on to the role', { step: 'name', retries: 0 }, 'my name is ana lima', 'role', /Nice to meet you, Ana Lima/],
    ['a non-name asks again', { step: 'name', retries: 0 }, 'http://spam.example', 'name', /just your name/],
    ['a role by title completes', { step: 'role', retries: 0 }, 'Python Developer', 'done', /applying for Python Developer/],
    ['an unknown role asks again with the list', { step: 'role', retries: 0 }, 'astronaut', 'role', /don't know that role/],
  ])('%s', (_label, state, text, step, reply) => {
    const out = intakeTransition(state, input(text, 'Ana'));
    expect(out.state.step).toBe(step);
    expect(out.replies.map((r) => r.text).join('\n')).toMatch(reply);
  });

  it('records consent, name and role, and completes once', () => {
    expect(intakeTransition({ step: 'consent', retries: 0 }, input('yes')).consented).toBe(true);
    expect(intakeTransition({ step: 'consent', retries: 0 }, input('no')).consented).toBe(false);
    expect(intakeTransition({ step: 'name', retries: 0 }, input("I'm Bo")).candidate).toEqual({ name: 'Bo' });
    const done = intakeTransition({ step: 'role', retries: 0 }, input('2'));
    expect(done).toMatchObject({ candidate: { role: 'python' }, completed: true });
  });

  it('counts retries on unusable answers', () => {
    const once = intakeTransition({ step: 'role', retries: 0 }, input('??'));
    expect(intakeTransition(once.state, input('??')).state.retries).toBe(2);
  });
});

describe('extractName', () => {
  it.each([
    ['Ana Lima', 'Ana Lima'],
    ['ana lima', 'Ana Lima'],
    ["Hi, I'm Bo", 'Bo'],
    ['My name is José Álvarez.', 'José Álvarez'],
    ['call me DJ', 'DJ'],
    ['', undefined],
    ['123', undefined],
    ['/status', undefined],
    ['one two three four five six', undefined],
    ['x'.repeat(61), undefined],
  ])('%s -> %s', (text, expected) => expect(extractName(text)).toBe(expected));
});

describe('matchRole', () => {
  it.each([
    ['react', 'react'],
    ['React Developer', 'react'],
    ['full stack', 'fullstack'],
    ['Full-Stack Developer', 'fullstack'],
    ['I want the python job', 'python'],
    ['3', 'javascript'],
    ['5', undefined],
    ['developer', undefined],
    ['x', undefined],
  ])('%s -> %s', (text, expected) => expect(matchRole(text, roles)?.id).toBe(expected));
});

describe('intakePrompt', () => {
  it.each<[IntakeState | undefined, RegExp | undefined]>([
    [undefined, undefined],
    [{ step: 'consent', retries: 0 }, /agree to continue/],
    [{ step: 'name', retries: 1 }, /What is your name/],
    [{ step: 'role', retries: 0 }, /Which role/],
    [{ step: 'done', retries: 0 }, undefined],
  ])('%j', (state, expected) => {
    const prompt = intakePrompt(state, roles);
    if (expected) expect(prompt?.text).toMatch(expected);
    else expect(prompt).toBeUndefined();
  });
  it('offers the roles as choices again', () => {
    expect(intakePrompt({ step: 'role', retries: 0 }, roles)?.choices?.map((c) => c.id)).toEqual(['react', 'python', 'javascript', 'fullstack']);
  });
});
