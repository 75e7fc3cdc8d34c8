/**
 * What an LLM sees of a conversation: the first `head` messages (how it started) and the last
 * `tail` (where it is), without duplicates, oldest first.
 */
export function selectMemory<T>(messages: readonly T[], opts: { head: number; tail: number } = { head: 2, tail: 10 }): T[] {
  if (messages.length <= opts.head + opts.tail) return [...messages];
  return [...messages.slice(0, opts.head), ...messages.slice(messages.length - opts.tail)];
}
