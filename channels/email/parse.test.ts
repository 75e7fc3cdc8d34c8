import { describe, expect, it } from '@jest/globals';
import { parseMail } from './parse.js';
import { newText } from './quotes.js';

describe('newText: only what the candidate wrote', () => {
  it.each([
    ['plain answer', 'I have used Postgres for 5 years.', 'I have used Postgres for 5 years.'],
    ['Gmail, one line', 'Yes\n\nOn Mon, 30 Nov 2026 at 10:02, Acme <jobs@acme.example> wrote:\n> Continue?', 'Yes'],
    ['Gmail, wrapped', 'Yes\n\nOn Mon, 30 Nov 2026 at 10:02, Acme Jobs <jobs+r0123@acme.example>\nwrote:\n> Continue?', 'Yes'],
    ['German Gmail', 'Ja\n\nAm Mo., 30. Nov. 2026 um 10:02 Uhr schrieb Acme <jobs@acme.example>:\n> Weiter?', 'Ja'],
    ['Outlook original message', 'Sure.\n\n-----Original Message-----\nFrom: Acme\nSent: Monday\nTo: Ada\nSubject: Hi\n\nContinue?', 'Sure.'],
    ['Outlook header block without a rule', 'Sure.\n\nFrom: Acme Jobs <jobs@acme.example>\nSent: Monday, November 30, 2026 10:02 AM\nTo: Ada\nSubject: Re: Application\n\nContinue?', 'Sure.'],
    ['signature delimiter', 'Tuesday works.\n\n-- \nAda Lovelace\nAnalytical Engines Ltd', 'Tuesday works.'],
    ['interleaved quote lines are dropped', '> Which databases?\nPostgres and Redis.\n> Why?\nThey fit the workload.', 'Postgres and Redis.\nThey fit the workload.'],
    ['"From:" in the answer is kept', 'From: my experience, caching helps.\nTo: be precise, Redis.', 'From: my experience, caching helps.\nTo: be precise, Redis.'],
    ['CRLF line endings', 'Yes\r\n\r\nSent from my iPhone\r\n\r\n> On 30 Nov 2026, at 10:02, Acme wrote:', 'Yes'],
  ])('%s', (_name, body, expected) => {
    expect(newText(body)).toBe(expected);
  });
});

const mail = (headers: string, body = 'I am away until Monday.') =>
  `From: Ada <ada@candidate.example>\r\nTo: jobs@acme.example\r\nSubject: Re: Application\r\nMessage-ID: <m1@candidate.example>\r\n${headers}Content-Type: text/plain\r\n\r\n${body}\r\n`;

describe('parseMail: automatic replies are never answers', () => {
  it.each([
    ['Auto-Submitted: auto-replied', 'Auto-Submitted: auto-replied\r\n'],
    ['Auto-Submitted: auto-generated', 'Auto-Submitted: auto-generated\r\n'],
    ['X-Autoreply', 'X-Autoreply: yes\r\n'],
    ['X-Autorespond', 'X-Autorespond: Out of office\r\n'],
    ['Precedence: bulk', 'Precedence: bulk\r\n'],
    ['Precedence: auto_reply', 'Precedence: auto_reply\r\n'],
  ])('%s', async (_name, headers) => {
    expect((await parseMail(mail(headers))).type).toBe('auto-reply');
  });

  it.each([
    ['no headers', ''],
    ['Auto-Submitted: no', 'Auto-Submitted: no\r\n'],
    ['Precedence: first-class', 'Precedence: first-class\r\n'],
  ])('a person\'s mail with %s is a message', async (_name, headers) => {
    expect(await parseMail(mail(headers, 'Yes'))).toMatchObject({ type: 'message', from: 'ada@candidate.example', text: 'Yes', messageId: 'm1@candidate.example' });
  });

  it('a mail without a Message-ID gets a stable one from its content (so a re-read is a duplicate)', async () => {
    const raw = 'From: ada@candidate.example\r\nTo: jobs@acme.example\r\nSubject: hi\r\n\r\nhello\r\n';
    const a = await parseMail(raw);
    const b = await parseMail(raw);
    expect(a.messageId).toMatch(/^sha256-[0-9a-f]{64}@parley\.invalid$/);
    expect(b.messageId).toBe(a.messageId);
  });
});
