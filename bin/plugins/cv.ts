import { readFile } from 'node:fs/promises';
import { cvCommand, cvMiddleware, extractCvText, type CvFeedbackWriter } from '../../bots/cv/index.js';
import { mountCvUpload } from '../../channels/webchat/cv-upload.js';
import type { CvProfile } from '../../core/cv/index.js';
import type { Config } from '../config.js';
import type { PluginModule } from './types.js';

/**
 * CVs on every channel (always on): the web chat upload route (`POST /chat/cv`), the CV reader
 * (documents on WhatsApp, Telegram and email, and uploads, go through the same parser), the role
 * suggestion during intake, and `/cv` feedback (written by the LLM too when `OPENAI_API_KEY` is set).
 */
export const cvPlugin: PluginModule = {
  name: 'cv',
  async create(ctx) {
    const banks = () => ctx.services.questionBanks?.();
    const cv = cvMiddleware({ adapter: (ch) => ctx.services.channelAdapter?.(ch), dataDir: ctx.config.dataDir, banks });
    mountCvUpload(ctx.app, { engine: ctx.engine, sessions: ctx.ports.webchatSessions, clock: ctx.clock, log: ctx.log, dataDir: ctx.config.dataDir, sessionTtlDays: ctx.config.WEBCHAT_SESSION_TTL_DAYS });
    const writer = await chooseWriter(ctx.config);
    const cvText = async (profile: CvProfile) => {
      const path = (await ctx.store.getMessage(profile.messageId))?.media?.storedPath;
      const data = path ? await readFile(path).catch(() => undefined) : undefined;
      return data ? extractCvText(profile.format, data).catch(() => undefined) : undefined;
    };
    return {
      name: 'cv',
      summary: `on (PDF and DOCX read offline${writer ? '; written feedback by the LLM' : ''})`,
      // The responder answers a CV before the candidate commands (which would only say "file saved"),
      // after the opt-out gate (this plugin comes after opt-out); it checks human mode itself.
      middleware: { preprocess: [cv.reader], beforeGate: [cv.responder] },
      candidateCommands: { cv: cvCommand({ banks, cvText, writer: () => writer }) },
    };
  },
};

async function chooseWriter(config: Config): Promise<CvFeedbackWriter | undefined> {
  if (!config.OPENAI_API_KEY) return undefined;
  // LangChain is loaded only when a key asks for it.
  const { LlmCvFeedback } = await import('../../bots/cv/llm-feedback.js');
  return new LlmCvFeedback({ apiKey: config.OPENAI_API_KEY, model: config.OPENAI_MODEL, timeoutMs: config.OPENAI_TIMEOUT_MS, ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}) });
}
