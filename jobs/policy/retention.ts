const DAY = 86_400_000;

/** Data created before this instant is past the retention period. */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * DAY);
}

/** Whether something created (or last modified) at `at` should be deleted now. */
export function isPastRetention(at: Date, now: Date, retentionDays: number): boolean {
  return at.getTime() < retentionCutoff(now, retentionDays).getTime();
}

/** Stand-in text for a voice message whose transcript was deleted. */
export const TRANSCRIPT_REMOVED = '[voice note transcript deleted after the retention period]';
/** Stand-in text for a message of a candidate who asked to be erased. */
export const ERASED_TEXT = '[deleted at the candidate\'s request]';
