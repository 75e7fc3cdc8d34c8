import { apiPlugin } from './api.js';
import { consolePlugin } from './console.js';
import { conversationPlugin } from './conversation.js';
import { cvPlugin } from './cv.js';
import { emailPlugin } from './email.js';
import { interviewPlugin } from './interview.js';
import { jobsPlugin } from './jobs.js';
import { optOutPlugin } from './opt-out.js';
import { schedulingPlugin } from './scheduling.js';
import { teamsPlugin } from './teams.js';
import { telegramPlugin } from './telegram.js';
import { voicePlugin } from './voice.js';
import { whatsappPlugin } from './whatsapp.js';

/**
 * Every plugin, in creation order (services a later plugin reads are set by an earlier one). The
 * order is also the order of their middleware within a slot (edits recorded before voice notes).
 */
export const PLUGINS = [interviewPlugin, jobsPlugin, consolePlugin, apiPlugin, conversationPlugin, optOutPlugin, voicePlugin, cvPlugin, telegramPlugin, whatsappPlugin, emailPlugin, teamsPlugin, schedulingPlugin];

/** The plugins every candidate conversation relies on whatever the channel (tests that pick plugins add these). */
export const SHARED_PLUGINS = [conversationPlugin, optOutPlugin, voicePlugin];

export * from './types.js';
