import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CV_EXTENSION, CV_MIME, cvSlice, looksLikeCvMime, MAX_CV_BYTES, sniffCv, WEBCHAT_CV_REF, type CvFormat, type CvProfile } from '../../core/cv/index.js';
import { errorMessage, type ChannelId, type MediaRef, type OutboundMessage } from '../../core/domain/index.js';
import type { Middleware, TurnContext } from '../../core/engine/index.js';
import type { RoleBank } from '../../core/interview/index.js';
import type { ChannelAdapter } from '../../core/ports/index.js';
import { intakeSlice } from '../intake/state.js';
import { extractCvText } from './extract.js';
import { readCv, suggestRole } from './profile.js';
import { languageOf } from '../i18n/index.js';
import { cvTextsFor } from './texts.js';

export interface CvOptions {
  /** A channel's adapter (its `fetchMedia` downloads a document that is not stored yet). */
  adapter: (channel: ChannelId) => ChannelAdapter | undefined;
  /** CVs are kept under `<dataDir>/cv/` (retention and erasure remove them with their message). */
  dataDir: string;
  /** The roles' question banks (the interview plugin's). */
  banks: () => ReadonlyMap<string, RoleBank> | undefined;
  maxBytes?: number;
}

/** How reading a CV went, handed from the reader (preprocess) to the responder (after the opt-out gate). */
type Outcome = { ok: true; profile: CvProfile; suggested?: RoleBank } | { ok: false; reply: string; error: string } | { ok: false; beforeConsent: true };

/**
 * CVs on every channel, in two middleware sharing one outcome per turn:
 * - `reader` (preprocess, before the gates, so a recruiter who took over still gets the profile):
 *   a document that says it is a PDF or DOCX (or a web chat upload) is fetched, checked by its
 *   bytes, kept under `<dataDir>/cv/`, its text extracted offline, and its skills and years
 *   written to `conversation.state.cv`;
 * - `responder` (beforeGate slot, after the opt-out gate; bot mode only): tells the candidate what was read and, when they
 *   have not picked a role, suggests the one their skills fit with buttons. A CV read before the
 *   role question is remembered: the suggestion follows the role question when intake asks it.
 *
 * @example
 * const cv = cvMiddleware({ adapter: (ch) => adapters.get(ch), dataDir, banks: () => services.questionBanks?.() });
 * // plugin.middleware = { preprocess: [cv.reader], beforeGate: [cv.responder] } (after opt-out's gate)
 */
export function cvMiddleware(opts: CvOptions): { reader: Middleware; responder: Middleware } {
  const outcomes = new WeakMap<TurnContext, Outcome>();
  const reader: Middleware = async (ctx, next) => {
    if (isCvCandidate(ctx) && !ctx.candidate.optedOut) outcomes.set(ctx, await readDocument(ctx, opts));
    return next();
  };
  const responder: Middleware = async (ctx, next) => {
    const outcome = outcomes.get(ctx);
    if (!outcome) return suggestAfterRoleQuestion(ctx, next, opts);
    // In human mode the recruiter reads the profile; the bot stays silent (the takeover gate comes later).
    if ('beforeConsent' in outcome || ctx.conversation.mode === 'human') return next();
    if (!outcome.ok) {
      ctx.log.warn({ messageId: ctx.message.id, error: outcome.error }, 'cv: not read');
      ctx.reply(outcome.reply);
    } else {
      ctx.reply(cvTextsFor(languageOf(ctx.conversation)).read(outcome.profile.skills, outcome.profile.years));
      // Buttons only where intake is waiting for a role: elsewhere a click would answer another question.
      if (outcome.suggested && !ctx.candidate.role && intakeSlice.read(ctx.conversation)?.step === 'role') return ctx.reply(suggestion(ctx, outcome.profile, outcome.suggested, opts));
    }
    // An email with a CV attached also says something: the rest of the chain reads its words.
    if (ctx.message.kind === 'text' && ctx.message.text.trim()) await next();
  };
  return { reader, responder };
}

function isCvCandidate(ctx: TurnContext): boolean {
  const { message } = ctx;
  const media = message.media;
  if (message.direction !== 'in' || !media || message.kind === 'voice' || (media.mime ?? '').startsWith('audio/')) return false;
  return media.providerRef.startsWith(WEBCHAT_CV_REF) || looksLikeCvMime(media.mime);
}

async function readDocument(ctx: TurnContext, opts: CvOptions): Promise<Outcome> {
  // Nothing is fetched or read before the candidate agreed to the privacy notice (a file the
  // channel already stored stays with its message, for the recruiters, like any other file).
  if (!ctx.candidate.consentAt) return { ok: false, beforeConsent: true };
  const media = ctx.message.media!;
  const maxBytes = opts.maxBytes ?? MAX_CV_BYTES;
  const cvTexts = cvTextsFor(languageOf(ctx.conversation));
  const tooLarge = { ok: false as const, reply: cvTexts.tooLarge(Math.round(maxBytes / 1024 / 1024)), error: 'CV over the size limit' };
  if ((media.size ?? 0) > maxBytes) return tooLarge;
  let data: Buffer;
  try {
    data = media.storedPath ? await readFile(media.storedPath) : await fetchDocument(ctx, media, opts);
  } catch (err) {
    return { ok: false, reply: cvTexts.unavailable, error: `fetch failed: ${errorMessage(err)}` };
  }
  if (data.length > maxBytes) return tooLarge;
  const format = sniffCv(data);
  if (!format) return { ok: false, reply: cvTexts.notACv, error: `not a PDF or DOCX (declared ${media.mime ?? 'no type'})` };
  if (!media.storedPath) ctx.message = { ...ctx.message, media: await keep(opts.dataDir, ctx.message.id, format, media, data) };
  let text: string;
  try {
    text = await extractCvText(format, data);
  } catch (err) {
    return { ok: false, reply: cvTexts.unreadable, error: errorMessage(err) };
  }
  const reading = readCv(text, ctx.now);
  const banks = opts.banks();
  const suggested = banks && !ctx.candidate.role ? suggestRole(banks.values(), reading) : undefined;
  const profile: CvProfile = {
    messageId: ctx.message.id,
    format,
    skills: reading.skills,
    ...(reading.years !== undefined ? { years: reading.years } : {}),
    ...(suggested ? { suggestedRole: suggested.role } : {}),
    textLength: text.length,
    readAt: ctx.now.toISOString(),
  };
  ctx.conversation.state = cvSlice.write(ctx.conversation.state, profile);
  ctx.log.info({ messageId: ctx.message.id, format, skills: profile.skills.length, years: profile.years }, 'cv: read');
  return { ok: true, profile, ...(suggested ? { suggested } : {}) };
}

async function fetchDocument(ctx: TurnContext, media: MediaRef, opts: CvOptions): Promise<Buffer> {
  const adapter = opts.adapter(ctx.message.channel);
  if (!adapter?.fetchMedia) throw new Error(`channel ${ctx.message.channel} cannot fetch media`);
  return (await adapter.fetchMedia(ctx.conversation.ref, media)).data;
}

/** Write atomically, named after the message: a turn re-run after a crash rewrites the same file. */
async function keep(dataDir: string, messageId: string, format: CvFormat, media: MediaRef, data: Buffer): Promise<MediaRef> {
  const dir = join(dataDir, 'cv');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${messageId}${CV_EXTENSION[format]}`);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
  return { ...media, mime: CV_MIME[format], size: data.length, storedPath: path, sha256: createHash('sha256').update(data).digest('hex') };
}

function suggestion(ctx: TurnContext, profile: CvProfile, role: RoleBank, opts: CvOptions): OutboundMessage {
  const others = [...(opts.banks()?.values() ?? [])].filter((b) => b.role !== role.role).map((b) => ({ id: b.role, label: b.title }));
  const texts = cvTextsFor(languageOf(ctx.conversation));
  return { text: texts.suggest(profile.skills, role.title), choices: [{ id: role.role, label: texts.applyFor(role.title) }, ...others] };
}

/** A CV read before intake reached the role question: suggest its role right after intake asks. */
async function suggestAfterRoleQuestion(ctx: TurnContext, next: () => Promise<void>, opts: CvOptions): Promise<void> {
  const before = intakeSlice.read(ctx.conversation)?.step;
  await next();
  if (before === 'role' || ctx.candidate.role || intakeSlice.read(ctx.conversation)?.step !== 'role') return;
  const profile = cvSlice.read(ctx.conversation);
  const role = profile?.suggestedRole ? opts.banks()?.get(profile.suggestedRole) : undefined;
  if (profile && role) ctx.reply(suggestion(ctx, profile, role, opts));
}
