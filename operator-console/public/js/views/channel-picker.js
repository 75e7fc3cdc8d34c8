import { request as rest } from '../api.js';
import { h } from '../dom.js';
import { CHANNEL_LABELS, fullTime } from '../format.js';

/**
 * One candidate, several channels (same phone or email address): one conversation per channel.
 * The composer's picker chooses which one to answer on; the transcript badges each message's
 * channel when there is more than one.
 */

/** The candidate's conversations for the open one (`[]` when they cannot be read). */
export async function loadChannels(conversationId) {
  try {
    const r = await rest('/conversations/' + encodeURIComponent(conversationId) + '/channels');
    return r.channels || [];
  } catch {
    return [];
  }
}

/** A small badge naming a message's channel. */
export function channelBadge(channel) {
  return h('span', { class: 'badge badge--channel', dataset: { channel } }, CHANNEL_LABELS[channel] || channel);
}

/**
 * The "answer on" select: the open conversation's channel first (the default), then the
 * candidate's other channels with their last activity. `null` with only one channel.
 */
export function channelPicker(channels, currentId) {
  if (channels.length < 2) return null;
  const current = channels.find((c) => c.conversationId === currentId);
  const others = channels.filter((c) => c.conversationId !== currentId);
  const label = (c) => CHANNEL_LABELS[c.channel] || c.channel;
  const select = h(
    'select',
    { class: 'channel-picker', id: 'reply-channel', 'aria-label': 'Answer on channel', title: 'Answer on: another channel takes that conversation over too' },
    current ? h('option', { value: current.conversationId, dataset: { channel: current.channel } }, 'Answer on ' + label(current) + ' (this conversation)') : null,
    others.map((c) => h('option', { value: c.conversationId, dataset: { channel: c.channel } }, 'Answer on ' + label(c) + ' · last active ' + fullTime(c.lastActivityAt))),
  );
  select.value = currentId;
  return select;
}

/** Send `text` on the picked conversation of the candidate (through the open conversation's reply route). */
export function replyOn(currentId, targetId, text) {
  return rest('/conversations/' + encodeURIComponent(currentId) + '/reply', { method: 'POST', body: { conversationId: targetId, text } });
}
