import { ValidationError } from '../core/domain/index.js';
import { ConfigError, loadConfig } from './config.js';
import { emailTemplates } from './plugins/email.js';

const USAGE = `Usage: npm run parley -- email preview <template|all> [--html]

Renders an email template with sample data, the company name, logo and colours from the settings,
and EMAIL_TEMPLATES_DIR's overrides: the subject, the text part and (with --html) the HTML part.
`;

/**
 * `parley email preview <template|all> [--html]`. Returns the exit code.
 *
 * @example
 * await runEmailCli(['preview', 'offer'], { env: process.env, out, err }); // 0
 */
export async function runEmailCli(args: string[], io: { env: Record<string, string | undefined>; out: (t: string) => void; err: (t: string) => void }): Promise<number> {
  const [command, name, ...flags] = args;
  if (command !== 'preview') {
    io.out(USAGE);
    return command === 'help' || command === undefined ? 0 : 64;
  }
  try {
    const config = loadConfig(io.env);
    const templates = await emailTemplates(config);
    const { SAMPLE_DATA } = await import('../channels/email/index.js');
    if (!name) {
      io.out(`Templates: ${templates.names().join(', ')}\n`);
      return 0;
    }
    const names = name === 'all' ? templates.names() : [name];
    for (const n of names) {
      const mail = templates.render(n, SAMPLE_DATA, { unsubscribeUrl: `${config.publicUrl}/email/unsubscribe/sample-token` });
      io.out(`=== ${n} ===\nSubject: ${mail.subject}\n\n${mail.text}\n`);
      if (flags.includes('--html')) io.out(`--- HTML ---\n${mail.html}\n`);
    }
    return 0;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ValidationError) {
      io.err(`${err.message}\n`);
      return err instanceof ConfigError ? 78 : 65;
    }
    throw err;
  }
}
