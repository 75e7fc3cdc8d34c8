import { STAGE_LABELS, type OutboundMessage, type Stage } from '../../core/domain/index.js';

/** What happens next, per stage, in the candidate's words. */
export const NEXT_STEP: Record<Stage, string> = {
  new: 'say hi to get started.',
  intake: 'finish the few intake questions above.',
  screening: 'the technical interview here in the chat. Type /interview to start it.',
  interviewing: 'answer the current interview question.',
  assessed: 'our recruiters review your interview and get back to you.',
  scheduled: 'your interview with the team.',
  hired: 'our team will be in touch about the offer.',
  rejected: 'nothing more for this application. Thank you for your time!',
  withdrawn: 'nothing: you have withdrawn. Type /start to opt back in.',
};

/** `/help` for candidates. */
export const HELP_TEXT = [
  'Here is what I can do:',
  '/status - where your application stands',
  '/interview - start or resume your technical interview',
  '/reschedule - ask to move your interview with the team',
  '/feedback - tell us how it is going (text or voice)',
  '/human - talk to a recruiter',
  '/stop - stop all messages (/start brings you back)',
  '/delete - delete your data',
  '/start - start over or continue',
  '/help - this list',
].join('\n');

/** Everything candidate commands say. Kept together so the tone stays consistent. */
export const commandTexts = {
  unknown: (name: string) => `I don't know the command /${name}. Type /help to see what I can do.`,
  status: (who: string | undefined, role: string | undefined, stage: Stage) =>
    `${who ? `${who}, your application` : 'Your application'}${role ? ` for ${role}` : ''}: ${STAGE_LABELS[stage]}.\nNext step: ${NEXT_STEP[stage]}`,
  interviewAt: (when: string, link?: string) => `Your interview with the team: ${when}.${link ? `\nLink: ${link}` : ''}`,
  welcomeBack: 'Welcome back!',
  optedOut: "You're unsubscribed: we won't send you any more messages. If you change your mind, just send /start.",
  optedIn: "You're back in: we'll message you here again.",
  humanRequested: "Sure, I've asked a recruiter to join this chat. They'll reply here as soon as they can, usually within a working day.",
  humanAlreadyRequested: "A recruiter has already been asked to join; they'll reply here as soon as they can.",
  finishIntakeFirst: "Let's finish a couple of quick questions first: please answer the one above, then your interview can start.",
  interviewDone: (stage: Stage) => `Your technical interview is already done (${STAGE_LABELS[stage]}). Type /status for the next step.`,
  interviewResume: "Let's pick up where we left off:",
  interviewNotOpen: "Your technical interview isn't open yet; we'll message you here as soon as it is.",
  askFeedback: "I'd love to hear it: how is it going so far? Type your feedback or send a voice note.",
  feedbackThanks: 'Thank you for the feedback! Our recruiters read every message.',
  askReschedule: 'No problem. Which days and times would suit you better? Please give two or three options (and your time zone).',
  rescheduleThanks: "Thanks! I've passed your preferred times to our recruiters; they'll confirm a new time here.",
  nothingToReschedule: "You don't have an interview with the team scheduled yet, so there's nothing to move. Type /status to see the next step.",
  deleteConfirm: {
    text: "Do you want us to delete your data (your answers, messages and voice notes)? This also withdraws your application and can't be undone.",
    choices: [
      { id: 'yes', label: 'Yes, delete my data' },
      { id: 'no', label: 'No, keep it' },
    ],
  } satisfies OutboundMessage,
  deleteDone: "Done: your deletion request is recorded and your data will be erased shortly. You won't hear from us again. Take care!",
  deleteCancelled: 'OK, nothing has been deleted.',
  withdrawConfirm: {
    text: "Just to check: do you want to withdraw your application? We won't message you again.",
    choices: [
      { id: 'yes', label: 'Yes, withdraw' },
      { id: 'no', label: 'No, continue' },
    ],
  } satisfies OutboundMessage,
  withdrawCancelled: "Glad to hear it! Let's carry on where we left off.",
  fileSaved: "Thanks, I've saved that for our recruiters. I can only read text and voice notes myself, so please answer questions by typing or with a voice note.",
} as const;
