import { consolePlugin } from './console.js';
import { emailPlugin } from './email.js';
import { interviewPlugin } from './interview.js';
import { jobsPlugin } from './jobs.js';
import { telegramPlugin } from './telegram.js';
import { whatsappPlugin } from './whatsapp.js';

/** Every plugin, in creation order (services a later plugin reads are set by an earlier one). */
export const PLUGINS = [interviewPlugin, jobsPlugin, consolePlugin, telegramPlugin, whatsappPlugin, emailPlugin];

export * from './types.js';
