import type { OutboundMessage } from '../../core/domain/index.js';
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
  abandoned: (): OutboundMessage => ({
    text: 'Welcome back! Your interview was paused. Would you like to continue where you left off, or start over?',
    choices: [
      { id: 'continue', label: 'Continue' },
      { id: 'restart', label: 'Start over' },
    ],
  }),
  abandonedUnclear: 'Please answer "continue" or "start over".',
  needsHuman: "I'm having trouble following your answers, so I've asked one of our recruiters to join this chat. They'll be with you shortly.",
  noBank: (role: string | undefined): string =>
    `Thanks! The technical interview for ${role ?? 'your role'} isn't available in the chat yet; a recruiter will contact you about next steps. Type /help to see what I can do.`,
};

export function questionMessage(n: number, question: Pick<Question, 'text'>, phrased?: string): OutboundMessage {
  return { text: interviewTexts.question(n, phrased ?? question.text) };
}
