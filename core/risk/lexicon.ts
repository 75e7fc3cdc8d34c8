/**
 * A compact English sentiment lexicon in the AFINN style: words weighted from -5 (very
 * negative) to +5 (very positive), tuned for candidates chatting with a recruiting bot.
 * Words that mostly carry politeness in this setting ("sorry", "late", "busy") are left out on
 * purpose: an apology for a slow reply is not a sign of dropping out, and "too busy" is a
 * disengagement phrase (see `disengagement.ts`), not a mood.
 */

/** Words grouped by weight; one string per weight keeps the table short and easy to scan. */
const WORDS_BY_WEIGHT: Record<string, string> = {
  '5': 'outstanding superb thrilled ecstatic overjoyed phenomenal',
  '4': `amazing awesome fantastic wonderful brilliant delighted incredible fabulous marvelous
    stellar excellent love loved loves loving adore`,
  '3': `great good glad happy excited exciting enjoy enjoyed enjoying enjoyable impressed
    impressive pleased beautiful lovely terrific perfect proud eager keen passionate motivated
    grateful thankful appreciate appreciated appreciative thrilling inspiring inspired dream
    fascinating fascinated favorite favourite best superior`,
  '2': `thanks thank nice like liked likes interested interesting opportunity opportunities
    hope hoping hopeful ready helpful useful welcome welcoming kind friendly convenient confident
    comfortable satisfied relieved promising positive progress success successful benefit
    benefits fun cool smooth fair clear valuable worth enthusiastic willing pleasure pleasant
    better wow yay congrats congratulations curious growth supportive respect respectful
    professional`,
  '1': `ok okay fine yes yeah yep sure alright agree agreed easy flexible understand understood
    reasonable decent calm solid sensible`,
  '-1': `unfortunately meh hmm unclear difficult tricky slow delay delayed delays issue issues
    doubt doubts hesitant unsure cancel cancelled canceled decline odd strange pressure
    robotic repetitive lengthy complicated`,
  '-2': `bad poor problem problems disappointed disappointing disappointment frustrated frustrating
    frustration annoyed annoying irritated sad upset unhappy stressed stressful confused confusing
    bored tired exhausted wrong broken fail failed failure useless pointless unfair nervous
    anxious afraid scared worried worry worries weird lame mess messy silly pushy spam spammy
    spamming lowball lowballed underpaid overworked regret declined rejected impossible unhelpful
    ugh boring worse careless unreliable ignored ignoring chaotic tedious`,
  '-3': `hate hated hates angry ridiculous rude unprofessional ghosted ghosting sucks suck worst
    wasted horrible harassment harassing creepy liar lying misleading lied shady insulting
    disrespectful disrespected crap`,
  '-4': `terrible awful disgusting furious scam scammer scammers fraud fraudulent pathetic
    nightmare outrageous shit wtf`,
  '-5': 'fuck fucking',
};

function buildWords(): ReadonlyMap<string, number> {
  const map = new Map<string, number>();
  for (const [weight, words] of Object.entries(WORDS_BY_WEIGHT)) {
    for (const word of words.split(/\s+/).filter(Boolean)) map.set(word, Number(weight));
  }
  return map;
}

/** Single words and their weights (-5..5), lower case, apostrophes removed. */
export const WORD_WEIGHTS: ReadonlyMap<string, number> = buildWords();

/**
 * Multi-word expressions scored as one unit, so "waste of time" is one strong negative and
 * "can't wait" reads as eagerness rather than a negated "wait". Matched longest first.
 */
export const PHRASE_WEIGHTS: ReadonlyMap<string, number> = new Map([
  ['waste of time', -4],
  ['waste of my time', -4],
  ['wasting my time', -4],
  ['wasting time', -3],
  ['never heard back', -3],
  ['no response', -2],
  ['no reply', -2],
  ['fed up', -3],
  ['sick of', -3],
  ['tired of', -2],
  ['let down', -2],
  ['give up', -2],
  ['giving up', -2],
  ['too long', -2],
  ['takes forever', -2],
  ['taking forever', -2],
  ['red flag', -2],
  ['not a fan', -2],
  ['not impressed', -2],
  ['looking forward', 3],
  ['look forward', 3],
  ['cant wait', 3],
  ['can not wait', 3],
  ['thank you', 2],
  ['dream job', 3],
  ['well done', 2],
  ['makes sense', 1],
  ['sounds good', 2],
  ['fair enough', 1],
]);

/** Words that flip the sentiment of what follows within a few words ("not good", "don't like"). */
export const NEGATORS: ReadonlySet<string> = new Set(
  `not no never neither nor none nothing nobody without hardly barely cannot
   dont doesnt didnt isnt arent wasnt werent wont wouldnt cant couldnt shouldnt
   havent hasnt hadnt aint neednt mustnt`.split(/\s+/),
);

/** How much a negation keeps of the flipped weight: "not good" is milder than "bad". */
export const NEGATION_SCALAR = -0.75;

/** Intensifiers (> 1) and dampeners (< 1) of the next sentiment word. */
export const INTENSIFIERS: ReadonlyMap<string, number> = new Map([
  ['very', 1.5],
  ['really', 1.5],
  ['so', 1.4],
  ['super', 1.5],
  ['extremely', 1.8],
  ['incredibly', 1.8],
  ['absolutely', 1.6],
  ['totally', 1.5],
  ['truly', 1.4],
  ['highly', 1.4],
  ['completely', 1.5],
  ['utterly', 1.8],
  ['quite', 1.2],
  ['pretty', 1.2],
  ['most', 1.3],
  ['slightly', 0.5],
  ['somewhat', 0.6],
  ['kinda', 0.6],
  ['bit', 0.6],
  ['little', 0.6],
]);

/**
 * Words before which "like" is not a sentiment ("I'd like to", "looks like", "feel like"):
 * the most common false positive in chat.
 */
export const LIKE_NEUTRALIZERS: ReadonlySet<string> = new Set(
  'would id wed youd theyd hed shed looks look looked seems seem sounds sound feels feel felt just something anything things stuff more less'.split(' '),
);

/** Emoji and emoticons, keyed as `tokenize` emits them (no skin tone, no variation selector). */
export const EMOJI_WEIGHTS: ReadonlyMap<string, number> = new Map([
  ['🙂', 2], ['😊', 2], ['😀', 2], ['😃', 2], ['😄', 3], ['😁', 3], ['😆', 2], ['😍', 4],
  ['🥰', 4], ['🤩', 3], ['😎', 2], ['😉', 1], ['😂', 2], ['🤣', 2], ['👍', 2], ['👌', 2],
  ['👏', 2], ['🙌', 3], ['🙏', 1], ['💪', 2], ['🎉', 3], ['🥳', 3], ['❤', 3], ['💙', 3],
  ['💚', 3], ['💯', 2], ['🔥', 2], ['✅', 1], ['✨', 1], ['🤝', 2], ['🚀', 2],
  ['🙁', -2], ['☹', -2], ['😞', -2], ['😔', -2], ['😟', -2], ['😢', -2], ['😭', -3], ['😠', -3],
  ['😡', -4], ['🤬', -4], ['👎', -2], ['😤', -2], ['😒', -2], ['🙄', -2], ['😩', -2], ['😫', -2],
  ['😖', -2], ['😣', -2], ['💔', -3], ['😕', -1], ['😑', -1], ['🤦', -2], ['🥱', -2], ['😬', -1],
  [':)', 2], ['=)', 2], [':D', 3], [';)', 1], [':P', 1], ['<3', 3], [':(', -2], ['=(', -2], [';(', -2],
]);
