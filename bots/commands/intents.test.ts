import { describe, expect, it } from '@jest/globals';
import { detectIntent } from './intents.js';

describe('detectIntent', () => {
  it.each([
    ['STOP', 'optOut'],
    ['stop', 'optOut'],
    ['Stop!', 'optOut'],
    ['please stop messaging me', 'optOut'],
    ['Stop texting me.', 'optOut'],
    ["don't contact me again", 'optOut'],
    ['Unsubscribe', 'optOut'],
    ['leave me alone', 'optOut'],
    ['not interested', 'withdraw'],
    ["I'm not interested", 'withdraw'],
    ['I am no longer interested, sorry', 'withdraw'],
    ['im not interested anymore', 'withdraw'],
    ['I found another job', 'withdraw'],
    ['I want to withdraw my application', 'withdraw'],
    ['talk to a person', 'human'],
    ['Can I speak to a human please?', 'human'],
    ['I would like to talk with a recruiter about the salary', 'human'],
    ['human', 'human'],
    ['real person', 'human'],
    ["I'm not interested in frontend, more backend", undefined],
    ['Not interested in Angular but React yes', undefined],
    ['Stop-the-world garbage collection pauses the app', undefined],
    ['You should stop the server before migrating', undefined],
    ['The person I talk to most is my team lead', undefined],
    [`${'A long answer about closures and scope. '.repeat(4)} talk to a person`, undefined],
    ['', undefined],
  ])('%j -> %s', (text, expected) => expect(detectIntent(text)).toBe(expected));
});
