import { STAGES, type OutboundMessage, type Stage } from '../../core/domain/index.js';
import { translator, type Language } from '../i18n/index.js';

/** What happens next, per stage, in the candidate's words (in `lang`). */
export function nextStep(lang: Language = 'en'): Record<Stage, string> {
  const tr = translator(lang);
  return Object.fromEntries(STAGES.map((s) => [s, tr(`nextStep.${s}`)])) as Record<Stage, string>;
}

/** The stage as the candidate reads it (in `lang`). */
export const stageLabel = (stage: Stage, lang: Language = 'en'): string => translator(lang)(`stages.${stage}`);

export const NEXT_STEP: Record<Stage, string> = nextStep('en');

/** `/help` for candidates, in English (see `commandTextsFor(lang).help`). */
export const HELP_TEXT = translator('en')('commands.help');

/**
 * Everything candidate commands say, in `lang`, from the message catalogues (bots/i18n/locales).
 *
 * @example
 * commandTextsFor('es').optedIn // 'Has vuelto: te escribiremos de nuevo por aquí.'
 */
export function commandTextsFor(lang: Language = 'en') {
  const tr = translator(lang);
  const choice = (text: string, yes: string, no: string) =>
    ({
      text,
      choices: [
        { id: 'yes', label: yes },
        { id: 'no', label: no },
      ],
    }) satisfies OutboundMessage;
  return {
    help: tr('commands.help'),
    unknown: (name: string) => tr('commands.unknown', { name }),
    status: (who: string | undefined, role: string | undefined, stage: Stage) => {
      const vars = { name: who ?? '', role: role ?? '', stage: stageLabel(stage, lang) };
      const line = tr(who ? (role ? 'commands.statusNamedRole' : 'commands.statusNamed') : role ? 'commands.statusRole' : 'commands.statusPlain', vars);
      return `${line}\n${tr('commands.nextStep', { step: tr(`nextStep.${stage}`) })}`;
    },
    interviewAt: (when: string, link?: string) => tr('commands.interviewAt', { when }) + (link ? `\n${tr('commands.interviewLink', { link })}` : ''),
    welcomeBack: tr('commands.welcomeBack'),
    optedOut: tr('commands.optedOut'),
    optedIn: tr('commands.optedIn'),
    humanRequested: tr('commands.humanRequested'),
    humanAlreadyRequested: tr('commands.humanAlreadyRequested'),
    finishIntakeFirst: tr('commands.finishIntakeFirst'),
    interviewDone: (stage: Stage) => tr('commands.interviewDone', { stage: stageLabel(stage, lang) }),
    interviewResume: tr('commands.interviewResume'),
    interviewNotOpen: tr('commands.interviewNotOpen'),
    askFeedback: tr('commands.askFeedback'),
    feedbackThanks: tr('commands.feedbackThanks'),
    askReschedule: tr('commands.askReschedule'),
    rescheduleThanks: tr('commands.rescheduleThanks'),
    nothingToReschedule: tr('commands.nothingToReschedule'),
    deleteConfirm: choice(tr('commands.deleteConfirm'), tr('commands.deleteYes'), tr('commands.deleteNo')),
    deleteDone: tr('commands.deleteDone'),
    deleteCancelled: tr('commands.deleteCancelled'),
    withdrawConfirm: choice(tr('commands.withdrawConfirm'), tr('commands.withdrawYes'), tr('commands.withdrawNo')),
    withdrawCancelled: tr('commands.withdrawCancelled'),
    fileSaved: tr('commands.fileSaved'),
  };
}

export type CommandTexts = ReturnType<typeof commandTextsFor>;

/** The English texts (callers with no conversation at hand, and tests). */
export const commandTexts: CommandTexts = commandTextsFor('en');
