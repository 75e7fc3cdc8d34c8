import { apiConfigShape } from './api.config.js';
import { consoleConfigShape } from './console.config.js';
import { emailConfigShape } from './email.config.js';
import { interviewConfigShape } from './interview.config.js';
import { jobsConfigShape } from './jobs.config.js';
import { schedulingConfigShape } from './scheduling.config.js';
import { teamsConfigShape } from './teams.config.js';
import { telegramConfigShape } from './telegram.config.js';
import { whatsappConfigShape } from './whatsapp.config.js';

/** Every plugin's env settings, merged into the config schema (bin/config.ts). */
export const PLUGIN_CONFIG_SHAPES = {
  ...interviewConfigShape,
  ...jobsConfigShape,
  ...consoleConfigShape,
  ...apiConfigShape,
  ...telegramConfigShape,
  ...whatsappConfigShape,
  ...emailConfigShape,
  ...teamsConfigShape,
  ...schedulingConfigShape,
};
