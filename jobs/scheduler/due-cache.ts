/**
 * What the scheduler last knew of a key's waiting job (its domain due time, or `null`: none
 * waiting), for a process that is the only writer of its job table (embedded mode), so that
 * `dueAt` need not query the table on every inbound message (the inactivity nudge asks per message).
 *
 * Only keys someone asked `dueAt` about are tracked (the nudge keys; not every risk or reminder
 * key a write goes through), at most `max` of them, least recently used first out. A write of a
 * tracked key records what it wrote; anything else that may change a job (a run of it starting or
 * ending) forgets the key, and a look-up or write that overlapped such a change records nothing
 * (each key's generation counts the changes). When in doubt the key is forgotten: the next
 * `dueAt` reads the table.
 *
 * @example
 * const cache = new DueCache(4096);
 * const gen = cache.generation(key);
 * const due = await lookUp(key);
 * cache.found(key, due ?? null, gen); // kept only if nothing touched the key meanwhile
 * cache.get(key); // due, or null (none waiting), or undefined (unknown: look it up)
 */
export class DueCache {
  /** Due time in ms since the epoch, or `null`: none waiting. */
  private readonly entries = new Map<string, number | null>();
  /** Changes per key while something is in flight; dropped when nothing is. */
  private readonly generations = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly max = 4096) {}

  /** The remembered due time (`null`: none waiting), or `undefined` when unknown. */
  get(key: string): Date | null | undefined {
    // A write in flight may have changed the table already, or not yet: unknown.
    if (this.inFlight.has(key)) return undefined;
    const due = this.entries.get(key);
    if (due === undefined) return undefined;
    // Most recently used last: the first key is the one to evict.
    this.entries.delete(key);
    this.entries.set(key, due);
    return due === null ? null : new Date(due);
  }

  /** Start a look-up or a write of `key`; pass the token to `found`/`wrote`, then `settle` it. */
  begin(key: string): number {
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    return this.generations.get(key) ?? 0;
  }

  /** A look-up begun at `token` found `due`: remember it unless the key changed meanwhile. */
  found(key: string, due: Date | null, token: number): void {
    if ((this.generations.get(key) ?? 0) === token) this.remember(key, due);
  }

  /** A write begun at `token` left `due` waiting: remember it if the key is tracked and nothing else touched it. */
  wrote(key: string, due: Date | null, token: number): void {
    const gen = this.generations.get(key) ?? 0;
    // Another change (a run, a concurrent write) may have come after ours in the table: forget.
    if (gen !== token) return void this.entries.delete(key);
    this.bump(key);
    if (this.entries.has(key)) this.remember(key, due);
  }

  settle(key: string): void {
    const n = (this.inFlight.get(key) ?? 1) - 1;
    if (n > 0) return void this.inFlight.set(key, n);
    this.inFlight.delete(key);
    this.generations.delete(key);
  }

  /** The key's job may have changed (it started or finished running, a write failed...): forget it. */
  forget(key: string): void {
    this.entries.delete(key);
    this.bump(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private bump(key: string): void {
    // Only an operation in flight compares generations; with none, there is nothing to count.
    if (this.inFlight.has(key)) this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
  }

  private remember(key: string, due: Date | null): void {
    this.entries.delete(key);
    this.entries.set(key, due && due.getTime());
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
  }
}
