import { describe, expect, it } from '@jest/globals';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import pino from 'pino';
import type { Message } from '../../core/domain/index.js';
import { SqliteStore } from '../../core/store/embedded/sqlite-store.js';
import { EmailChannel } from './email-channel.js';
import { EmailTemplates } from './templates.js';
import { EmailThreads } from './threads.js';

const ada = 'ada@candidate.example';
const ref = { channel: 'email' as const, externalId: ada };
const stored = (id: string) => ({ id }) as Message;

describe('email channel threading', () => {
  it("a candidate's reply that is ingested before the bot mail's send has returned is what the next bot mail answers", async () => {
    const store = SqliteStore.open(':memory:');
    const threads = new EmailThreads(store);
    await threads.add(ada, 'root@candidate.example', 'Application');
    const sent: { messageId: string; inReplyTo?: string }[] = [];
    const real = nodemailer.createTransport({ streamTransport: true, buffer: true });
    let duringFirstSend: (() => Promise<void>) | undefined;
    const transport = {
      verify: async () => true as const,
      close: () => real.close(),
      sendMail: async (mail: SendMailOptions) => {
        const info = await real.sendMail(mail);
        sent.push({ messageId: String(mail.messageId), ...(mail.inReplyTo ? { inReplyTo: String(mail.inReplyTo) } : {}) });
        // The mail is out (the candidate has it) before sendMail returns to Parley: the
        // candidate's quick answer is ingested (ingest.ts adds it to the thread) right then.
        const ingest = duringFirstSend;
        duringFirstSend = undefined;
        await ingest?.();
        return info;
      },
    };
    const channel = new EmailChannel({
      transport: transport as never,
      from: 'Acme Jobs <jobs@acme.example>',
      replyAddress: 'jobs@acme.example',
      secret: 'test-secret-test-secret-test-secret',
      publicUrl: 'http://localhost:3000',
      templates: new EmailTemplates({ companyName: 'Acme', brandColor: '#0b5fff', textColor: '#1f2937' }),
      threads,
      voiceDir: '/nonexistent',
      log: pino({ level: 'silent' }),
    });
    duringFirstSend = () => threads.add(ada, 'cand-2@candidate.example');
    await channel.send(ref, { kind: 'text', text: 'Question 1: what is a mutex?' } as never, { message: stored('msg_q1') });
    await channel.send(ref, { kind: 'text', text: 'Question 2: what is a semaphore?' } as never, { message: stored('msg_q2') });
    expect(sent.map((m) => m.inReplyTo)).toEqual(['<root@candidate.example>', '<cand-2@candidate.example>']);
    expect((await threads.get(ada)).ids).toEqual(['root@candidate.example', 'msg_q1@acme.example', 'cand-2@candidate.example', 'msg_q2@acme.example']);
    await store.close();
  });
});
