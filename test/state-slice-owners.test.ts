import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// Each slice of `Conversation.state` has one owner, and only its owner writes it (issue 12).
// The rule is checked on the sources: writes go through `<slice>.write(...)` in the owner's
// files, or through the owner's pure transition (the abandonment job applies
// core/interview's `abandonStaleInterview`). Reads are free for everyone: they parse.
// Limit: the check reads the source text, so an alias (`const w = intakeSlice.write`) would
// escape it; the review catches that, this test catches the ordinary slip.

const ROOT = join(import.meta.dirname, '..');
const FOLDERS = ['core', 'bots', 'jobs', 'channels', 'operator-console', 'bin'];

/** slice name -> the exported accessor and the files (or folders) that may write it. */
const OWNERS: Record<string, { accessor: string; writers: readonly string[] }> = {
  interview: { accessor: 'interviewSlice', writers: ['core/interview/', 'bots/interviewer/'] },
  assessment: { accessor: 'assessmentSlice', writers: ['bots/interviewer/'] },
  interviewAbandonNoticeAt: { accessor: 'abandonNoticeSlice', writers: ['core/interview/', 'bots/interviewer/'] },
  interviewUsage: { accessor: 'usageSlice', writers: ['bots/interviewer/'] },
  unparseableStreak: { accessor: 'unparseableStreakSlice', writers: ['bots/interviewer/'] },
  intake: { accessor: 'intakeSlice', writers: ['bots/intake/'] },
  commands: { accessor: 'commandsSlice', writers: ['bots/commands/'] },
  cv: { accessor: 'cvSlice', writers: ['bots/cv/'] },
  language: { accessor: 'languageSlice', writers: ['bots/i18n/'] },
  schedule: { accessor: 'scheduleSlice', writers: ['jobs/handlers/reminders.ts', 'jobs/scheduling/'] },
  voiceReplies: { accessor: 'voiceRepliesSlice', writers: ['core/voice/'] },
};

/**
 * Writes of a whole state that are not a slice owner's, each with its reason. Erasure replaces
 * the state (no slice survives it); the abandonment job stores what the interview's transition
 * returned.
 */
const WHOLE_STATE_WRITES: Record<string, RegExp> = {
  'core/store/embedded/erase.ts': /state: \{ erasedAt:/,
  'core/store/mongo/erase.ts': /state: \{ erasedAt:/,
  'jobs/handlers/abandonment.ts': /conversation\.state = abandoned\.state;/,
};

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'public' || e.name === '__fixtures__' ? [] : sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = FOLDERS.flatMap(sources).map((path) => ({ path: relative(ROOT, join(ROOT, path)).split('\\').join('/'), lines: readFileSync(join(ROOT, path), 'utf8').split('\n') }));
const code = (line: string) => !/^\s*(\*|\/\/|\/\*)/.test(line);
const hits = (pattern: RegExp) => files.flatMap((f) => f.lines.flatMap((line, i) => (code(line) && pattern.test(line) ? [{ path: f.path, line: i + 1, text: line.trim() }] : [])));
const ownedBy = (path: string, writers: readonly string[]) => writers.some((w) => (w.endsWith('/') ? path.startsWith(w) : path === w));

describe('conversation state: one owner per slice', () => {
  it('every slice declared in the sources has an owner in this table, under its accessor name', () => {
    const declared = hits(/defineSlice\(/).map((h) => /(?:const|let)\s+(\w+)(?::[^=]+)?\s*=\s*defineSlice\('([^']+)'/.exec(h.text) ?? [h.text]);
    expect(declared.map(([, accessor, name]) => ({ name, accessor })).sort((a, b) => String(a.name).localeCompare(String(b.name)))).toEqual(
      Object.entries(OWNERS)
        .map(([name, o]) => ({ name, accessor: o.accessor }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
  });

  it('a slice is written only by its owner', () => {
    const byAccessor = new Map(Object.values(OWNERS).map((o) => [o.accessor, o.writers]));
    const writes = hits(/\b\w+Slice\.write\(/).flatMap((h) => [...h.text.matchAll(/\b(\w+Slice)\.write\(/g)].map((m) => ({ ...h, accessor: m[1]! })));
    expect(writes.length).toBeGreaterThan(8);
    const foreign = writes.filter((w) => !ownedBy(w.path, byAccessor.get(w.accessor) ?? [])).map((w) => `${w.path}:${w.line} writes ${w.accessor}: ${w.text}`);
    expect(foreign).toEqual([]);
  });

  it('nobody writes conversation state around the slices (spreading it, assigning a literal, dropping a key)', () => {
    const raw = [
      // `conversation.state = { ...conversation.state, x }`, `state: { ...c.state, x }`
      ...hits(/\.\.\.[\w.]*\b(conversation|conv|c)\.state\b/),
      // `conversation.state = <anything but a slice write>`
      ...hits(/\b(conversation|conv|c)\.state\s*=[^=]/).filter((h) => !/Slice\.write\(/.test(h.text)),
      // `const { schedule: _, ...state } = conversation.state`
      ...hits(/\}\s*=\s*[\w.]*\b(conversation|conv|c)\.state\b/),
      // `state: { erasedAt: ... }` outside `erasedState()`
      ...hits(/state:\s*\{\s*erasedAt/),
    ];
    const unexplained = raw.filter((h) => !WHOLE_STATE_WRITES[h.path]?.test(h.text)).map((h) => `${h.path}:${h.line}: ${h.text}`);
    expect(unexplained).toEqual([]);
  });
});
