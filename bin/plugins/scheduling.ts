import { commandTextsFor, readSchedule, recordReschedule, writeCommandsState, type CommandHandler } from '../../bots/commands/index.js';
import { languageOf } from '../../bots/i18n/index.js';
import type { PluginModule } from './types.js';

const RECOMMENDED = new Set(['strong-yes', 'yes']);

/**
 * Scheduling by chat (always on; docs/scheduling.md): recruiters' availability at
 * /api/v1/scheduling, slot offers on the candidate's channel (after a recommended screening with
 * SCHEDULING_AUTO_OFFER=recommended, or on a recruiter's call), picks held atomically, .ics
 * invites by email when the email channel is configured (otherwise stored and downloadable),
 * `/reschedule` and "can we move it?" to move, and the jobs plugin's reminders.
 */
export const schedulingPlugin: PluginModule = {
  name: 'scheduling',
  async create(ctx) {
    const c = ctx.config;
    const { SchedulingService, schedulingRouter } = await import('../../jobs/scheduling/index.js');
    const log = ctx.log.child({ feature: 'scheduling' });
    const store = ctx.ports.scheduling;
    const mailOn = Boolean(c.EMAIL_FROM && (c.SMTP_URL || c.SMTP_HOST));
    const mail = mailOn ? await inviteMailer(ctx.config) : undefined;
    const service = new SchedulingService({
      store,
      core: ctx.store,
      engine: ctx.engine,
      clock: ctx.clock,
      log,
      settings: {
        slotMinutes: c.SCHEDULING_SLOT_MINUTES,
        minNoticeMs: c.SCHEDULING_MIN_NOTICE_HOURS * 3_600_000,
        horizonDays: c.SCHEDULING_HORIZON_DAYS,
        offerCount: c.SCHEDULING_OFFER_COUNT,
        company: c.PARLEY_COMPANY_NAME,
        defaultTimeZone: c.JOBS_DEFAULT_TIMEZONE,
        videoLink: c.SCHEDULING_VIDEO_LINK,
      },
      scheduleInterview: () => ctx.services.scheduleInterview,
      mail: mail?.send,
    });
    ctx.app.use('/api/v1/scheduling', schedulingRouter({ store, service, clock: ctx.clock, log, isOperatorToken: () => ctx.services.isOperatorToken }));
    let unsubscribe: (() => void) | undefined;
    return {
      name: 'scheduling',
      summary: `on (slots by chat${c.SCHEDULING_AUTO_OFFER === 'recommended' ? ' after recommended screenings' : ' on a recruiter\'s call'}; invites ${mailOn ? 'by email' : 'stored for download (email is off)'})`,
      // In the commands slot: after the takeover gate and the candidate commands, before intake and
      // the interview (which answer every message of a finished screening).
      middleware: { commands: [service.middleware()] },
      candidateCommands: {
        reschedule: async (turn, args) => ((await service.tryMove(turn)) ? undefined : builtInReschedule(turn, args)),
        cancel: (turn) => service.cancelInTurn(turn),
      },
      async start() {
        // Invites and reminders of bookings a crash (or a failed send) left unfinished.
        const resumed = await service.resume();
        if (resumed > 0) log.info({ resumed }, 'scheduling: resuming unfinished booking follow-ups');
        if (c.SCHEDULING_AUTO_OFFER !== 'recommended') return;
        unsubscribe = ctx.bus.subscribe((e) => {
          if (e.type !== 'InterviewCompleted' || !RECOMMENDED.has(e.recommendation) || !e.conversationId) return;
          return service.offer(e.conversationId).catch((err: unknown) => log.warn({ err, conversationId: e.conversationId }, 'scheduling: could not offer slots'));
        });
      },
      async stop() {
        unsubscribe?.();
        await service.idle();
        mail?.close();
      },
    };
  },
};

/** The built-in `/reschedule` (bots/commands): preferred times asked, stored and passed to the recruiters. */
const builtInReschedule: CommandHandler = (ctx, { rest }) => {
  const texts = commandTextsFor(languageOf(ctx.conversation));
  if (ctx.candidate.stage !== 'scheduled' && !readSchedule(ctx.conversation)) return void ctx.reply(texts.nothingToReschedule);
  if (rest) return recordReschedule(ctx, rest);
  writeCommandsState(ctx.conversation, { pending: 'reschedule' });
  ctx.reply(texts.askReschedule);
};

/** Invites go out through the same SMTP server as the email channel, with the .ics as a calendar part and an attachment. */
async function inviteMailer(c: Parameters<PluginModule['create']>[0]['config']) {
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport(c.SMTP_URL ? { url: c.SMTP_URL } : { host: c.SMTP_HOST, port: c.SMTP_PORT, secure: c.SMTP_SECURE, ...(c.SMTP_USER ? { auth: { user: c.SMTP_USER, pass: c.SMTP_PASS ?? '' } } : {}) });
  return {
    async send(m: { to: string; subject: string; text: string; ics: string; method: 'REQUEST' | 'CANCEL' }) {
      await transport.sendMail({ from: c.EMAIL_FROM, to: m.to, subject: m.subject, text: m.text, icalEvent: { method: m.method, filename: 'interview.ics', content: m.ics } });
    },
    close: () => transport.close(),
  };
}
