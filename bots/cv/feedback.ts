import { cvSlice, type CvProfile } from '../../core/cv/index.js';
import type { TurnContext } from '../../core/engine/index.js';
import type { RoleBank } from '../../core/interview/index.js';
import type { CommandHandler } from '../commands/candidate-commands.js';
import { coverage } from './profile.js';
import { languageOf, type Language } from '../i18n/index.js';
import { cvTextsFor } from './texts.js';

/** What a writer gets: the role, what the CV shows and lacks, and the CV's text. */
export interface CvFeedbackInput {
  roleTitle: string;
  roleDescription: string;
  shows: readonly string[];
  lacks: readonly string[];
  cvText: string;
}

/** Written feedback on a CV for a role (an LLM); undefined when it has nothing usable to say. */
export interface CvFeedbackWriter {
  readonly name: string;
  write(input: CvFeedbackInput): Promise<string | undefined>;
}

export interface CvCommandOptions {
  banks: () => ReadonlyMap<string, RoleBank> | undefined;
  /** The text of the stored CV a profile was read from (undefined once retention removed the file). */
  cvText: (profile: CvProfile) => Promise<string | undefined>;
  writer?: () => CvFeedbackWriter | undefined;
}

/**
 * `/cv`: feedback on the candidate's CV for the role they apply to (or the one it suggested): the
 * role's bank skills it shows and lacks, plus the LLM's written feedback when one is configured.
 * The feedback is kept on `conversation.state.cv` so the recruiter's profile view shows the same.
 *
 * @example
 * // candidate: /cv  ->  bot: "Your CV for Python Developer: It shows: ... It doesn't mention: ..."
 */
export function cvCommand(opts: CvCommandOptions): CommandHandler {
  return async (ctx) => {
    const lang = languageOf(ctx.conversation);
    const cvTexts = cvTextsFor(lang);
    const profile = cvSlice.read(ctx.conversation);
    if (!profile) return void ctx.reply(cvTexts.noCv);
    const bank = opts.banks()?.get(ctx.candidate.role ?? profile.suggestedRole ?? '');
    if (!bank) return void ctx.reply(cvTexts.noRole);
    const text = (await opts.cvText(profile)) ?? '';
    const covered = coverage(bank, { skills: profile.skills }, text);
    const written = text ? await writeFeedback(ctx, opts, { roleTitle: bank.title, roleDescription: bank.description, ...covered, cvText: text }) : undefined;
    const feedback = { role: bank.role, roleTitle: bank.title, ...covered, ...(written ? { written } : {}), at: ctx.now.toISOString() };
    ctx.conversation.state = cvSlice.write(ctx.conversation.state, { ...profile, feedback });
    ctx.reply(feedbackText(feedback, lang));
  };
}

/** The feedback as the candidate reads it (the console shows the same parts). */
export function feedbackText(f: NonNullable<CvProfile['feedback']>, lang: Language = 'en'): string {
  const cvTexts = cvTextsFor(lang);
  const lines = [cvTexts.feedbackHead(f.roleTitle)];
  if (f.shows.length) lines.push(cvTexts.shows(f.shows));
  lines.push(f.lacks.length ? cvTexts.lacks(f.lacks) : cvTexts.allShown);
  if (f.written) lines.push('', f.written);
  return lines.join('\n');
}

async function writeFeedback(ctx: TurnContext, opts: CvCommandOptions, input: CvFeedbackInput): Promise<string | undefined> {
  const writer = opts.writer?.();
  if (!writer) return undefined;
  try {
    return (await writer.write(input))?.trim() || undefined;
  } catch (err) {
    // The skills list still answers; a provider outage costs only the written paragraph.
    ctx.log.warn({ err, writer: writer.name }, 'cv: written feedback failed');
    return undefined;
  }
}
