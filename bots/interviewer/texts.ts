import type { OutboundMessage, Stage } from '../../core/domain/index.js';
import type { Question } from '../../core/interview/types.js';

/** What the bot says around the interview. */
export const interviewTexts = {
  intro: (roleTitle: string, maxQuestions: number): string =>
    `Let's start your technical interview for ${roleTitle}. I'll ask up to ${maxQuestions} questions, one at a time, starting easy. ` +
    "Answer in your own words: a few sentences is plenty. If you don't know something, just say so; that's useful too.",
  question: (n: number, text: string): string => `Question ${n}: ${text}`,
  resumeQuestion: (n: number, text: string): string => `Let's pick up where we left off. Question ${n}: ${text}`,
  completed: (name: string | undefined): string =>
    `That's the end of the interview. Thank you${name ? `, ${name}` : ''}! Our recruiters will review your answers and get back to you here within a few working days. Type /status at any time.`,
  alreadyCompleted: "You've finished the interview: thank you! Our recruiters are reviewing it. Type /status to see where your application stands.",
  /** Free text after the interview: what happens next, and how to reach a person. */
  afterInterview: (stage: Stage): string =>
    (stage === 'scheduled'
      ? 'Thanks for your message! Your interview with the team is scheduled: type /status for the time, or /reschedule to ask for another one.'
      : stage === 'assessed'
        ? 'Thanks for your message! Your interview is finished and our recruiters are reviewing your answers; they will get back to you here within a few working days.'
        : 'Thanks for your message! A recruiter will read it.') + ' Type /status to see where your application stands, or /human to ask a recruiter to join this chat.',
  abandoned: (): OutboundMessage => ({
    text: 'Welcome back! Your interview was paused. Would you like to continue where you left off, or start over?',
    choices: [
      { id: 'continue', label: 'Continue' },
      { id: 'restart', label: 'Start over' },
    ],
  }),
  abandonedUnclear: 'Please answer "continue" or "start over".',
  needsHuman:
    "I'm having trouble following your answers, so I've asked one of our recruiters to join this chat. The interview is paused until they do; they'll be with you shortly.",
  /** The candidate writes while the interview waits for a recruiter. */
  holdWaiting: 'A recruiter has been asked to join and will reply here. The interview is paused meanwhile; reply "continue" if you would rather go on without waiting.',
  /** Nobody joined in time. */
  holdExpired: (): OutboundMessage => ({
    text: "Sorry, no recruiter could join yet. They'll still read this chat and get back to you. Would you like to continue the interview in the meantime?",
    choices: [
      { id: 'continue', label: 'Continue' },
      { id: 'wait', label: 'Wait for a recruiter' },
    ],
  }),
  holdKeepWaiting: 'OK, we\'ll wait for a recruiter. Reply "continue" whenever you want to go on with the interview.',
  /** An old button was tapped: it belongs to an earlier message, not to the question asked now. */
  staleChoice: (n: number, text: string): string => `That button belongs to an earlier message, so I haven't counted it as an answer. The current question is Question ${n}: ${text}`,
  noBank: (role: string | undefined): string =>
    `Thanks! The technical interview for ${role ?? 'your role'} isn't available in the chat yet; a recruiter will contact you about next steps. Type /help to see what I can do.`,
};

export function questionMessage(n: number, question: Pick<Question, 'text'>, phrased?: string): OutboundMessage {
  return { text: interviewTexts.question(n, phrased ?? question.text) };
}
