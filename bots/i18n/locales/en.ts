import { STAGE_LABELS } from '../../../core/domain/index.js';

/**
 * English: the source catalogue. Every key here must exist in every other catalogue
 * (test/i18n-catalogues.test.ts); a key missing there falls back to this text at run time.
 * Placeholders are i18next's `{{name}}`; values are inserted as written (no HTML escaping).
 */
export const en = {
  intake: {
    greeting:
      "Hi! I'm Parley, the recruiting assistant for {{company}}. I'll ask you a few questions about the role you're interested in, and then run a short technical interview right here in the chat.",
    welcomeBack: 'Welcome back!',
    consent:
      'Before we start: we store your answers so our recruiters can review your application. You can ask for your data to be deleted at any time, and type STOP to opt out. Do you agree to continue?',
    consentYes: 'Yes, continue',
    consentNo: 'No',
    consentUnclear: "Sorry, I didn't get that. Please answer yes or no.",
    declined: "No problem: we won't continue and won't contact you again about this. If you change your mind, just say yes.",
    askName: 'Great, thank you! What is your name?',
    nameUnclear: 'Could you tell me just your name, for example "Alex Kim"?',
    askRole: 'Nice to meet you, {{name}}! Which role are you applying for?',
    askRolePlain: 'Which role are you applying for?',
    roleUnclear: "Sorry, I don't know that role. Please choose one of these:",
    confirmed:
      "Thanks, {{name}}! You're applying for {{role}}. Next comes a short technical interview here in the chat: about 10 to 15 questions, roughly 30 minutes. Type /status at any time to see where you are.",
    defaultName: 'there',
    waitingForInterview: "Thanks! Your technical interview isn't open yet; we'll message you here as soon as it is. Type /help to see what I can do.",
  },
  // The core's labels (HR reports use them too): one source for both.
  stages: STAGE_LABELS,
  nextStep: {
    new: 'say hi to get started.',
    intake: 'finish the few intake questions above.',
    screening: 'the technical interview here in the chat. Type /interview to start it.',
    interviewing: 'answer the current interview question.',
    assessed: 'our recruiters review your interview and get back to you.',
    scheduled: 'your interview with the team.',
    hired: 'our team will be in touch about the offer.',
    rejected: 'nothing more for this application. Thank you for your time!',
    withdrawn: 'nothing: you have withdrawn. Type /start to opt back in.',
  },
  commands: {
    help: [
      'Here is what I can do:',
      '/status - where your application stands',
      '/interview - start or resume your technical interview',
      '/reschedule - ask to move your interview with the team',
      '/feedback - tell us how it is going (text or voice)',
      '/human - talk to a recruiter',
      '/language - choose the language I write in',
      '/stop - stop all messages (/start brings you back)',
      '/delete - delete your data',
      '/start - start over or continue',
      '/help - this list',
    ].join('\n'),
    unknown: "I don't know the command /{{name}}. Type /help to see what I can do.",
    statusNamedRole: '{{name}}, your application for {{role}}: {{stage}}.',
    statusNamed: '{{name}}, your application: {{stage}}.',
    statusRole: 'Your application for {{role}}: {{stage}}.',
    statusPlain: 'Your application: {{stage}}.',
    nextStep: 'Next step: {{step}}',
    interviewAt: 'Your interview with the team: {{when}}.',
    interviewLink: 'Link: {{link}}',
    welcomeBack: 'Welcome back!',
    optedOut: "You're unsubscribed: we won't send you any more messages. If you change your mind, just send /start.",
    optedIn: "You're back in: we'll message you here again.",
    humanRequested: "Sure, I've asked a recruiter to join this chat. They'll reply here as soon as they can, usually within a working day.",
    humanAlreadyRequested: "A recruiter has already been asked to join; they'll reply here as soon as they can.",
    finishIntakeFirst: "Let's finish a couple of quick questions first: please answer the one above, then your interview can start.",
    interviewDone: 'Your technical interview is already done ({{stage}}). Type /status for the next step.',
    interviewResume: "Let's pick up where we left off:",
    interviewNotOpen: "Your technical interview isn't open yet; we'll message you here as soon as it is.",
    askFeedback: "I'd love to hear it: how is it going so far? Type your feedback or send a voice note.",
    feedbackThanks: 'Thank you for the feedback! Our recruiters read every message.',
    askReschedule: 'No problem. Which days and times would suit you better? Please give two or three options (and your time zone).',
    rescheduleThanks: "Thanks! I've passed your preferred times to our recruiters; they'll confirm a new time here.",
    nothingToReschedule: "You don't have an interview with the team scheduled yet, so there's nothing to move. Type /status to see the next step.",
    deleteConfirm: "Do you want us to delete your data (your answers, messages and voice notes)? This also withdraws your application and can't be undone.",
    deleteYes: 'Yes, delete my data',
    deleteNo: 'No, keep it',
    deleteDone: "Done: your deletion request is recorded and your data will be erased shortly. You won't hear from us again. Take care!",
    deleteCancelled: 'OK, nothing has been deleted.',
    withdrawConfirm: "Just to check: do you want to withdraw your application? We won't message you again.",
    withdrawYes: 'Yes, withdraw',
    withdrawNo: 'No, continue',
    withdrawCancelled: "Glad to hear it! Let's carry on where we left off.",
    fileSaved: "Thanks, I've saved that for our recruiters. I can only read text and voice notes myself, so please answer questions by typing or with a voice note.",
  },
  interview: {
    intro:
      "Let's start your technical interview for {{role}}. I'll ask up to {{max}} questions, one at a time, starting easy. Answer in your own words: a few sentences is plenty. If you don't know something, just say so; that's useful too.",
    question: 'Question {{n}}: {{text}}',
    resumeQuestion: "Let's pick up where we left off. Question {{n}}: {{text}}",
    inEnglish: 'This question is only available in English; you can answer in any language.',
    completed:
      "That's the end of the interview. Thank you! Our recruiters will review your answers and get back to you here within a few working days. Type /status at any time.",
    completedNamed:
      "That's the end of the interview. Thank you, {{name}}! Our recruiters will review your answers and get back to you here within a few working days. Type /status at any time.",
    alreadyCompleted: "You've finished the interview: thank you! Our recruiters are reviewing it. Type /status to see where your application stands.",
    afterScheduled: 'Thanks for your message! Your interview with the team is scheduled: type /status for the time, or /reschedule to ask for another one.',
    afterAssessed:
      'Thanks for your message! Your interview is finished and our recruiters are reviewing your answers; they will get back to you here within a few working days.',
    afterOther: 'Thanks for your message! A recruiter will read it.',
    afterTail: 'Type /status to see where your application stands, or /human to ask a recruiter to join this chat.',
    abandoned: 'Welcome back! Your interview was paused. Would you like to continue where you left off, or start over?',
    continue: 'Continue',
    startOver: 'Start over',
    abandonedUnclear: 'Please answer "continue" or "start over".',
    needsHuman:
      "I'm having trouble following your answers, so I've asked one of our recruiters to join this chat. The interview is paused until they do; they'll be with you shortly.",
    holdWaiting: 'A recruiter has been asked to join and will reply here. The interview is paused meanwhile; reply "continue" if you would rather go on without waiting.',
    holdExpired: "Sorry, no recruiter could join yet. They'll still read this chat and get back to you. Would you like to continue the interview in the meantime?",
    waitForRecruiter: 'Wait for a recruiter',
    holdKeepWaiting: 'OK, we\'ll wait for a recruiter. Reply "continue" whenever you want to go on with the interview.',
    staleChoice: "That button belongs to an earlier message, so I haven't counted it as an answer. The current question is Question {{n}}: {{text}}",
    noBank: "Thanks! The technical interview for {{role}} isn't available in the chat yet; a recruiter will contact you about next steps. Type /help to see what I can do.",
    yourRole: 'your role',
  },
  notices: {
    takeoverJoined: '{{name}} from the recruiting team has joined the chat.',
    takeoverLeft: "{{name}} has left the chat. I'll take it from here.",
    apology: 'Sorry, something went wrong on our side. Please send that again in a moment.',
    nudgeFirst: "Are you still there? Whenever you are ready, just reply here and we will pick up where we left off.",
    nudgeAgain: "Just checking in one more time: your application is still open. Reply here when you have a moment.",
  },
  reminders: {
    reminder: 'Reminder: your interview with {{company}} starts in {{duration}}, {{when}}.',
    join: 'Join here: {{link}}',
  },
  dates: {
    /** The BCP 47 locale dates, times and durations are formatted in (Intl), not a text. */
    locale: 'en-GB',
    when: '{{day}} at {{time}} ({{zone}})',
  },
  scheduling: {
    askZone: 'Before I suggest times: which time zone are you in? Reply with a city or an IANA zone (for example Lisbon or America/New_York).',
    unknownZone: 'I don\'t know the time zone "{{text}}". Please reply with a city (for example Lisbon) or an IANA zone such as Europe/Lisbon.',
    offer: "Let's book your interview with {{company}}. Here are the next free times ({{zone}}). Reply with the number of the one that suits you:",
    moveOffer: "No problem, let's move your interview with {{company}}. Here are the next free times ({{zone}}). Reply with the number of the one that suits you:",
    taken: 'Sorry, that time was just taken by someone else. Here are the next free times ({{zone}}):',
    noSlots: 'There are no free interview times right now. The {{company}} team will get back to you with a time.',
    pickPrompt: 'Please reply with a number from 1 to {{n}}, or "none" if none of these times work.',
    none: 'Understood. The {{company}} team will get back to you with other times.',
    booked: "You're booked: {{when}}. A calendar invite is on its way.",
    moved: 'Done, your interview is moved to {{when}}. An updated invite is on its way.',
    cancelled: 'Your interview with {{company}} has been cancelled. The team will be in touch.',
    nothingToCancel: 'You have no interview booked, so there is nothing to cancel.',
    cancelledByYou: 'Done: your interview on {{when}} is cancelled. A calendar cancellation is on its way. Write /reschedule if you would like a new time.',
    mailBooked: 'Your interview is booked for {{when}} with {{recruiter}}. The calendar invite is attached.',
    mailCancelled: 'Your interview on {{when}} is cancelled. The calendar cancellation is attached.',
  },
  language: {
    confirm: 'It looks like you write in {{language}}. Shall I continue in {{language}}?',
    switched: "OK, I'll write in English from now on.",
    list: 'I can write in: {{languages}}. Type /language followed by a code to switch, for example /language es.',
    current: 'I am writing in English.',
    unknown: 'Sorry, I don\'t know the language "{{code}}".',
  },
} as const;

/** The shape every catalogue follows: the English keys, any string for each. */
export type Catalogue = { [NS in keyof typeof en]: { [K in keyof (typeof en)[NS]]: string } };
/** What a translation ships: it may lack keys (they fall back to English; the catalogue test fails). */
export type Translation = { [NS in keyof Catalogue]?: Partial<Catalogue[NS]> };
