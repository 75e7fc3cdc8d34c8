import type { OutboundMessage } from '../../core/domain/index.js';

/** What the bot says during intake. Kept together so tone stays consistent. */
export const texts = {
  greeting: (company: string): OutboundMessage => ({
    text: `Hi! I'm Parley, the recruiting assistant for ${company}. I'll ask you a few questions about the role you're interested in, and then run a short technical interview right here in the chat.`,
  }),
  greetingAgain: (): OutboundMessage => ({ text: 'Welcome back!' }),
  consent:
    'Before we start: we store your answers so our recruiters can review your application. You can ask for your data to be deleted at any time, and type STOP to opt out. Do you agree to continue?',
  consentUnclear: "Sorry, I didn't get that. Please answer yes or no.",
  declined: "No problem: we won't continue and won't contact you again about this. If you change your mind, just say yes.",
  askName: 'Great, thank you! What is your name?',
  nameUnclear: 'Could you tell me just your name, for example "Alex Kim"?',
  askRole: (name: string) => `Nice to meet you, ${name}! Which role are you applying for?`,
  roleUnclear: "Sorry, I don't know that role. Please choose one of these:",
  confirmed: (name: string, role: string) =>
    `Thanks, ${name}! You're applying for ${role}. Next comes a short technical interview here in the chat: about 10 to 15 questions, roughly 30 minutes. Type /status at any time to see where you are.`,
  waitingForInterview:
    "Thanks! Your technical interview isn't open yet; we'll message you here as soon as it is. Type /help to see what I can do.",
} as const;

export function consentQuestion(): OutboundMessage {
  return {
    text: texts.consent,
    choices: [
      { id: 'yes', label: 'Yes, continue' },
      { id: 'no', label: 'No' },
    ],
  };
}
