import { readdir, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { erasedState, errorMessage, type Candidate, type DomainEvent, type Message } from '../../core/domain/index.js';
import { ERASED_TEXT, isPastRetention, nextDailyAt, TRANSCRIPT_REMOVED } from '../policy/index.js';
import { recordEvents, type JobsDeps } from '../runtime/deps.js';
import type { JobSpec } from '../scheduler/agenda-scheduler.js';
import { allConversations, allMessages } from './store-scan.js';

export const RETENTION_JOB = 'retention-cleanup';

type Counts = Record<string, number>;

/**
 * Daily clean-up: voice-note audio and transcripts past the retention period are deleted
 * (messages keep a placeholder), pending erasure requests are carried out, and what was removed
 * is written to the audit trail as `RetentionCleanup`.
 */
export function retentionJob(deps: JobsDeps): JobSpec {
  return {
    recurrence: (now) => nextDailyAt(now, deps.settings.retentionAtMinute),
    async run({ now }) {
      const removed: Counts = { audioFiles: 0, transcripts: 0, erasedCandidates: 0 };
      for await (const conversation of allConversations(deps.store)) {
        for (const message of await allMessages(deps.store, conversation.id)) {
          if (message.media && isPastRetention(message.createdAt, now, deps.settings.retentionDays)) await expireMedia(deps, message, removed);
        }
      }
      removed.audioFiles = (removed.audioFiles ?? 0) + (await expireAudioFiles(deps, now));
      removed.stageExpired = await requestStageErasures(deps, now);
      removed.erasedCandidates = await completeErasures(deps, { daily: true });
      await recordEvents(deps, [{ type: 'RetentionCleanup', removed }]);
      deps.log.info({ removed }, 'jobs: retention clean-up done');
    },
  };
}

/** Drop an old message's audio file and transcript, keeping the message as a placeholder. */
async function expireMedia(deps: JobsDeps, message: Message, removed: Counts): Promise<void> {
  const media = { ...message.media! };
  let changed = false;
  if (media.storedPath) {
    if (await deleteInside(deps.settings.dataDir, media.storedPath, deps)) removed.audioFiles = (removed.audioFiles ?? 0) + 1;
    delete media.storedPath;
    changed = true;
  }
  if (media.transcript) {
    delete media.transcript;
    removed.transcripts = (removed.transcripts ?? 0) + 1;
    changed = true;
  }
  if (!changed) return;
  const text = message.kind === 'voice' ? TRANSCRIPT_REMOVED : message.text;
  await deps.store.updateMessage(message.id, { media, text }, deps.clock.now());
}

/** Media folders swept by age: voice-note audio and uploaded CVs (`<dataDir>/cv/`), under the same rule. */
const MEDIA_DIRS = ['audio', 'cv'] as const;

/** Audio and CV files older than the retention period (orphans included). */
async function expireAudioFiles(deps: JobsDeps, now: Date): Promise<number> {
  let count = 0;
  const files = (await Promise.all(MEDIA_DIRS.map((d) => listFiles(join(deps.settings.dataDir, d))))).flat();
  for (const file of files) {
    const info = await stat(file).catch(() => undefined);
    if (info && isPastRetention(info.mtime, now, deps.settings.retentionDays) && (await deleteInside(deps.settings.dataDir, file, deps))) count++;
  }
  return count;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : Promise.resolve(e.isFile() ? [join(dir, e.name)] : []))));
  return nested.flat();
}

/** Delete a file only if it lies inside the data directory (a stored path is never trusted blindly). */
async function deleteInside(dataDir: string, path: string, deps: JobsDeps): Promise<boolean> {
  const full = resolve(dataDir, path);
  const rel = relative(resolve(dataDir), full);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    deps.log.warn({ path }, 'jobs: not deleting a file outside the data directory');
    return false;
  }
  try {
    await rm(full);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') deps.log.warn({ path, err: errorMessage(err) }, 'jobs: could not delete a file');
    return false;
  }
}

/** Candidates with an `ErasureRequested` not yet followed by `ErasureCompleted`. */
export function pendingErasures(events: readonly DomainEvent[]): string[] {
  const pending = new Set<string>();
  for (const e of events) {
    if (!e.candidateId) continue;
    if (e.type === 'ErasureRequested') pending.add(e.candidateId);
    if (e.type === 'ErasureCompleted') pending.delete(e.candidateId);
  }
  return [...pending];
}

/**
 * Retention per stage: a candidate who has been in a stage with a retention period (rejected,
 * withdrawn) for longer than it gets an `ErasureRequested` by `system:retention`, completed in
 * the same run. The time in the stage is from the latest change into it (or the candidate's last
 * update when no change was recorded, e.g. an imported candidate).
 */
export async function requestStageErasures(deps: JobsDeps, now: Date): Promise<number> {
  const byStage = deps.settings.retentionByStage ?? {};
  if (!Object.keys(byStage).length) return 0;
  const done = new Set((await deps.store.listEvents({ types: ['ErasureRequested', 'ErasureCompleted'], limit: 1_000_000 })).map((e) => e.candidateId));
  let requested = 0;
  for (const candidate of await deps.store.listCandidates()) {
    const days = byStage[candidate.stage];
    if (days === undefined || done.has(candidate.id)) continue;
    const changes = await deps.store.listEvents({ candidateId: candidate.id, types: ['CandidateStateChanged'], limit: 1_000_000 });
    const entered = changes.filter((e) => e.type === 'CandidateStateChanged' && e.to === candidate.stage).at(-1)?.at ?? candidate.updatedAt;
    if (!isPastRetention(entered, now, days)) continue;
    await recordEvents(deps, [{ type: 'ErasureRequested', candidateId: candidate.id, actor: 'system:retention' }]);
    deps.log.info({ candidateId: candidate.id, stage: candidate.stage, days }, 'jobs: stage retention period over, erasing');
    requested++;
  }
  return requested;
}

/** The erasure pass running per store: passes never overlap (a request erased once, audited once). */
const passes = new WeakMap<object, Promise<number>>();

/**
 * Carry out every pending erasure request now (the daily run, or right after a request). A call
 * while a pass runs waits for it, then runs its own (which finds what the first one left).
 */
export function completeErasures(deps: JobsDeps, opts: { daily?: boolean } = {}): Promise<number> {
  const previous = passes.get(deps.store) ?? Promise.resolve(0);
  const pass = previous.catch(() => 0).then(() => erasePending(deps, opts.daily === true));
  passes.set(deps.store, pass);
  return pass;
}

/** kv flag: an erasure ran whose compaction was left to the daily run (`ERASURE_COMPACT=daily`). */
const COMPACT_PENDING = ['jobs', 'compact-pending'] as const;

async function erasePending(deps: JobsDeps, daily: boolean): Promise<number> {
  const requested = pendingErasures(await deps.store.listEvents({ types: ['ErasureRequested', 'ErasureCompleted'], limit: 1_000_000 }));
  for (const candidateId of requested) {
    const removed = await eraseCandidate(deps, candidateId);
    await recordEvents(deps, [{ type: 'ErasureCompleted', candidateId, removed }]);
    deps.log.info({ candidateId, removed }, 'jobs: erasure request completed');
  }
  // No copy of what was erased may stay in the file's free pages or the WAL. Compacting rewrites
  // the whole file and blocks the process meanwhile (about 9 ms per MB): with
  // ERASURE_COMPACT=daily an at-once erasure leaves it to the daily run.
  if (daily || deps.settings.erasureCompact !== 'daily') {
    const pending = daily && (await deps.store.kvGet(...COMPACT_PENDING)) !== undefined;
    if (requested.length || pending) await deps.store.compact?.();
    if (pending) await deps.store.kvDelete(...COMPACT_PENDING);
  } else if (requested.length) {
    await deps.store.kvSet(...COMPACT_PENDING, deps.clock.now().toISOString());
  }
  return requested.length;
}

/**
 * Erase a candidate: message text and media (files included) of all their conversations,
 * conversation state (intake and interview answers), and their name and contact details. The
 * candidate is opted out so nothing is sent to them again.
 */
async function eraseCandidate(deps: JobsDeps, candidateId: string): Promise<Counts> {
  if (deps.store.eraseCandidate) {
    // Every table of the file (see core/store/embedded/erase.ts), then the media files on disk.
    const { counts, files } = await deps.store.eraseCandidate(candidateId, deps.clock.now(), { placeholder: ERASED_TEXT });
    let audioFiles = 0;
    for (const path of files) if (await deleteInside(deps.settings.dataDir, path, deps)) audioFiles++;
    return { ...counts, audioFiles };
  }
  const removed: Counts = { messages: 0, audioFiles: 0, conversations: 0 };
  const candidate = await deps.store.getCandidate(candidateId);
  if (!candidate) return removed;
  for await (const conversation of allConversations(deps.store, { candidateId })) {
    for (const m of await allMessages(deps.store, conversation.id)) {
      if (m.media?.storedPath && (await deleteInside(deps.settings.dataDir, m.media.storedPath, deps))) removed.audioFiles = (removed.audioFiles ?? 0) + 1;
      await deps.store.updateMessage(m.id, { text: ERASED_TEXT, media: undefined }, deps.clock.now());
      removed.messages = (removed.messages ?? 0) + 1;
    }
    await deps.engine().mutate(conversation.id, ({ conversation: c, candidate: current }) => ({ conversation: { ...c, state: erasedState(deps.clock.now()) }, candidate: anonymise(current) }));
    removed.conversations = (removed.conversations ?? 0) + 1;
  }
  if (!removed.conversations) await deps.store.saveCandidate({ ...anonymise(candidate), updatedAt: deps.clock.now() });
  return removed;
}

function anonymise(c: Candidate): Candidate {
  const { name: _name, phone: _phone, email: _email, ...rest } = c;
  return { ...rest, optedOut: true };
}
