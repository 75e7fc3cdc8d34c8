/**
 * A CV attached to an email (a DOCX, through a signed Mailgun post) goes through the same reader
 * as the web chat and Telegram: the candidate is told what was read and offered the role.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cvSlice } from '../core/cv/index.js';
import { cvDocx, REACT_CV } from './support/cv-fixtures.js';
import type { TestParley } from './support/harness.js';
import { mimeMail, postMailgun } from './support/mailgun.js';
import type { TestSmtp } from './support/mail-servers.js';
import { startMailParley, type MailParley } from './support/mailing-parley.js';

const KEY = 'mailgun-signing-key-cv-0123456';
const BRUNO = 'bruno@candidate.example';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
let seq = 0;

function mail(body: string, attachment?: { data: Buffer; type: string; name: string }): string {
  return mimeMail({
    from: `Bruno Costa <${BRUNO}>`,
    messageId: `cv-${++seq}@candidate.example`,
    body,
    ...(attachment ? { attachment: { data: attachment.data, contentType: `${attachment.type}; name="${attachment.name}"`, filename: attachment.name } } : {}),
  });
}

async function post(app: TestParley, raw: string): Promise<void> {
  expect((await postMailgun(app.url, raw, KEY)).status).toBe(200);
}

describe('CVs by email', () => {
  let smtp: TestSmtp;
  let app: TestParley;
  let mailer: MailParley;
  beforeAll(async () => {
    mailer = await startMailParley({ MAILGUN_SIGNING_KEY: KEY });
    ({ app, smtp } = mailer);
  }, 60_000);
  afterAll(async () => {
    await mailer?.stop();
  });

  it('a DOCX attached after the name is read and React Developer is offered', async () => {
    const toBruno = (re: RegExp) => (m: { to: string[]; parsed: { text?: string } }) => m.to.includes(BRUNO) && re.test(m.parsed.text ?? '');
    await post(app, mail('hi'));
    await smtp.waitFor(toBruno(/agree to continue/), 1, 60_000);
    await post(app, mail('Yes, continue'));
    await smtp.waitFor(toBruno(/What is your name/), 1, 60_000);
    await post(app, mail('Bruno Costa'));
    await smtp.waitFor(toBruno(/Which role/), 1, 60_000);
    await post(app, mail('', { data: await cvDocx(REACT_CV), type: DOCX, name: 'Bruno-Costa-CV.docx' }));
    await smtp.waitFor(toBruno(/I found: React, React Hooks, Redux, TypeScript\. About 3 years of experience\./), 1, 60_000);
    await smtp.waitFor(toBruno(/Your CV looks like a React, React Hooks, Redux profile: apply for React Developer\?/), 1, 60_000);
    const conversation = await app.parley.store.findConversationByRef({ channel: 'email', externalId: BRUNO });
    expect(cvSlice.read(conversation!)).toMatchObject({ format: 'docx', suggestedRole: 'react', years: 3 });
  }, 120_000);
});
