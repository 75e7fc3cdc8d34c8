import { ValidationError, errorMessage } from '../../../core/domain/index.js';
import type { Logger } from '../../../core/ports/index.js';

/**
 * Hand every item of one webhook delivery to `handle`, each on its own: an item the core refuses
 * as invalid is logged and acknowledged (a retry would be refused again, for days), and it never
 * stops the items after it. Returns how many items could not be stored for another reason (the
 * store failed): only then should the webhook answer 5xx so the provider retries; the items that
 * were stored are recognised as duplicates on the retry.
 */
export async function deliverEach<T>(items: readonly T[], handle: (item: T) => Promise<void>, log: Logger, what: string): Promise<{ failed: number }> {
  let failed = 0;
  for (const item of items) {
    try {
      await handle(item);
    } catch (err) {
      if (err instanceof ValidationError) {
        log.warn({ issues: err.issues.slice(0, 5), error: err.message }, `${what}: invalid item acknowledged and dropped`);
        continue;
      }
      failed++;
      log.error({ err: errorMessage(err) }, `${what}: could not store an item; the provider will retry`);
    }
  }
  return { failed };
}
