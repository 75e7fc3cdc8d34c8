import { z } from 'zod';
import { HR_USERS_PATTERN } from '../../bots/hr-commands/index.js';

/**
 * Env settings for Telegram, HR commands and voice notes, merged into the app config.
 * Documented in .env.example. `OPENAI_API_KEY` / `OPENAI_BASE_URL` are shared with the
 * interview's LLM evaluator and declared there.
 */
export const telegramConfigShape = {
  /** From @BotFather; enables the Telegram channel. */
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, 'expected a bot token from @BotFather, like 123456789:AAF...').optional(),
  /** Echoed by Telegram in X-Telegram-Bot-Api-Secret-Token; derived from the token when unset. */
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'expected 1-256 letters, digits, _ or -').optional(),
  TELEGRAM_API_ROOT: z
    .url({ error: 'expected an absolute URL such as https://api.telegram.org' })
    .default('https://api.telegram.org')
    .transform((u) => u.replace(/\/+$/, '')),
  /** auto: webhook when PUBLIC_URL is set, long polling otherwise. */
  TELEGRAM_MODE: z.enum(['auto', 'webhook', 'polling']).default('auto'),
  TELEGRAM_POLL_TIMEOUT_SEC: z.coerce.number().int().min(0).max(50).default(30),
  /** HR allowlist: `<telegram user id>:<admin|recruiter|viewer>`, comma-separated. */
  TELEGRAM_HR_USERS: z.string().regex(HR_USERS_PATTERN, 'expected comma-separated <user id>:<admin|recruiter|viewer> pairs, e.g. 12345:admin,67890:viewer').optional(),
  /** auto: OpenAI when OPENAI_API_KEY is set, none otherwise; pocketsphinx is offline (Debian packages). */
  VOICE_TRANSCRIBER: z.enum(['auto', 'openai', 'pocketsphinx', 'none']).default('auto'),
  OPENAI_TRANSCRIBE_MODEL: z.string().min(1).default('whisper-1'),
  VOICE_MAX_DURATION_SEC: z.coerce.number().int().positive().max(3600).default(300),
  /** Voice replies (text to speech). auto: OpenAI when OPENAI_API_KEY is set, espeak-ng when installed, none otherwise. */
  VOICE_SYNTHESIZER: z.enum(['auto', 'openai', 'espeak-ng', 'none']).default('auto'),
  OPENAI_TTS_MODEL: z.string().min(1).default('gpt-4o-mini-tts'),
  OPENAI_TTS_VOICE: z.string().min(1).default('alloy'),
} satisfies z.ZodRawShape;
