/** What a candidate's own words ask for, when they ask for something other than the conversation. */
export type CandidateIntent = 'human' | 'optOut' | 'withdraw';

/** Longer messages are answers, not requests: "stop" inside an essay about CI pipelines is not an opt-out. */
const MAX_INTENT_LENGTH = 120;
const POLITE = /^(please|pls|ok|okay|hey|hi|sorry)\s+|\s+(please|pls|thanks|thank you|now|anymore|any more|again|sorry)$/g;

/** Whole message only: clear, unambiguous requests to stop all messages. */
const OPT_OUT = new RegExp(
  '^(' +
    [
      'stop( all)?( messages| messaging| texting| contacting me| it)?',
      'unsubscribe( me)?',
      'opt( |-)?out',
      'leave me alone',
      "(stop|quit) (messaging|texting|contacting|writing to|sending messages to|sending me messages|spamming) me",
      "(don'?t|do not|never) (message|contact|text|write to|send messages to) me",
      'remove me( from (your|the|this) list)?',
    ].join('|') +
    ')$',
);

/** Whole message only, and confirmed before acting: "not interested" might answer a question. */
const WITHDRAW = new RegExp(
  '^(' +
    [
      "(i'?m|i am|im)? ?(really )?not interested",
      "(i'?m|i am|im)? ?no longer interested",
      'i (have )?(found|got|accepted) (another|a different|a new) (job|offer|position|role)',
      'i (want|would like|wish) to withdraw( my application)?',
      'withdraw( my application)?',
    ].join('|') +
    ')$',
);

const HUMAN_ANYWHERE = /\b(talk|speak|chat)\s+(to|with)\s+(a\s+|an\s+|the\s+|some\s*)?(real\s+|actual\s+|live\s+)?(human|person|recruiter|one|body|agent|operator|someone|somebody|people)\b/;
const HUMAN_WHOLE = /^(human|a human|real person|a real person|agent|recruiter|operator|human please|i want a human|i need a human|get me a human|(can i|could i|may i) (have|get) a (human|person|recruiter))$/;

/**
 * Recognise "talk to a person", "stop messaging me", "not interested" and the like. Pure. Only
 * clear phrasing counts, and only in short messages, so an answer such as "I'm not interested in
 * frontend, more backend" is left alone.
 *
 * @example
 * detectIntent('STOP') // 'optOut'
 * detectIntent('Can I speak to a human please?') // 'human'
 * detectIntent("I'm not interested in frontend, more backend") // undefined
 */
export function detectIntent(text: string): CandidateIntent | undefined {
  if (text.length > MAX_INTENT_LENGTH) return undefined;
  const plain = normalise(text);
  if (!plain) return undefined;
  if (OPT_OUT.test(plain)) return 'optOut';
  if (WITHDRAW.test(plain)) return 'withdraw';
  if (HUMAN_WHOLE.test(plain) || HUMAN_ANYWHERE.test(plain)) return 'human';
  return undefined;
}

function normalise(text: string): string {
  let s = text
    .toLowerCase()
    .replace(/[’`]/g, "'")
    .replace(/[^a-z0-9' -]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  // Strip politeness at either end, repeatedly ("ok please stop now thanks").
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(POLITE, '').trim();
  }
  return s;
}
