import { audioObjectUrl, request as rest } from '../api.js';
import { debounce, h, mount } from '../dom.js';
import { candidateLabel, CHANNEL_LABELS, channelIcon, clockTime, fullTime, icon, riskBadge, stageBadge, statusBadge } from '../format.js';
import { request, send } from '../live.js';
import { canAct, on, publish, state, statusOf, upsertConversation, upsertMessage } from '../state.js';
import { cannedPicker, insertCanned as insertCannedReply, openCannedManager } from './canned.js';
import { channelBadge, channelPicker, loadChannels, replyOn } from './channel-picker.js';
import { inboxControls } from './inbox-tools.js';

const AUTHOR = { candidate: 'Candidate', bot: 'Parley bot', system: 'Parley', operator: 'Recruiter' };

/** The open conversation: header with takeover controls, transcript, composer. */
export function renderConversation(container, { toast }) {
  const header = h('div', { class: 'thread__header' });
  const transcript = h('ol', { class: 'transcript', id: 'transcript', 'aria-label': 'Transcript', 'aria-live': 'polite' });
  const typing = h('div', { class: 'typing', hidden: true });
  const footer = h('div', { class: 'thread__footer' });
  mount(container, h('div', { class: 'empty empty--pane' }, icon('chat', 40), h('p', {}, 'Select a conversation to see it live.')));
  const shown = new Map();
  let handingBack = false;
  /** The candidate's conversations (one per channel) for the open one: the picker's options. */
  let channels = [];
  /** The conversation being opened and its promise: a second open of the same one joins it. */
  let opening = null;

  function open(id, { quiet = false } = {}) {
    if (opening && opening.id === id) return opening.promise;
    const promise = load(id, quiet).finally(() => {
      if (opening && opening.promise === promise) opening = null;
    });
    opening = { id, promise };
    return promise;
  }

  /**
   * After a (re)connect: watch the open conversation again and show it as it is now. The
   * conversation on screen stays (no "Loading…", no blank transcript, the composer's draft
   * kept) until the fresh copy replaces it.
   */
  function refresh() {
    if (state.selectedId) return open(state.selectedId, { quiet: true });
    return Promise.resolve();
  }

  async function load(id, quiet = false) {
    // Quiet: the same conversation is already shown in full; keep it while re-watching.
    const inPlace = quiet && state.selectedId === id && state.detail !== null && state.detail.summary.id === id;
    if (!inPlace) {
      if (state.selectedId && state.selectedId !== id) send('conversation:unwatch', { conversationId: state.selectedId });
      state.selectedId = id;
      state.detail = null;
      handingBack = false;
      publish('selected', id);
      mount(container, h('div', { class: 'thread' }, header, transcript, typing, footer));
      mount(header, h('div', { class: 'skeleton' }, 'Loading…'));
      transcript.replaceChildren();
      footer.replaceChildren();
      delete footer.dataset.key;
      shown.clear();
      channels = [];
    }
    const [r, candidateChannels] = await Promise.all([request('conversation:watch', { conversationId: id }), loadChannels(id)]);
    if (state.selectedId !== id) return;
    channels = candidateChannels;
    if (!r.ok) {
      mount(header, h('p', { class: 'form-error' }, r.error));
      return;
    }
    state.detail = r.data;
    upsertConversation(r.data.summary);
    r.data.messages.forEach((m) => upsertMessage(m));
    shown.clear();
    renderTranscript();
    renderControls();
    publish('detail', r.data);
    markRead();
  }

  function renderTranscript() {
    const byId = state.messages.get(state.selectedId) || new Map();
    const messages = [...byId.values()].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
    if (messages.length === 0) transcript.replaceChildren(h('li', { class: 'empty' }, 'No messages yet.'));
    else transcript.replaceChildren(...messages.map((m) => remember(m)));
    transcript.scrollTop = transcript.scrollHeight;
  }

  function remember(m) {
    // Several channels: each message says which one it was on (the conversation's own).
    const own = channels.length > 1 && channels.find((c) => c.conversationId === m.conversationId);
    const el = messageEl(m, own ? own.channel : null);
    shown.set(m.id, el);
    return el;
  }

  function onMessage(m) {
    const existing = shown.get(m.id);
    const atBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 80;
    if (existing) existing.replaceWith(remember(m));
    else {
      const empty = transcript.querySelector('.empty');
      if (empty) empty.remove();
      transcript.appendChild(remember(m));
    }
    if (atBottom || m.author === 'operator') transcript.scrollTop = transcript.scrollHeight;
    if (m.direction === 'in') markRead();
  }

  const markRead = debounce(() => {
    const s = state.conversations.get(state.selectedId);
    if (s && s.unread > 0 && document.visibilityState === 'visible') void request('conversation:read', { conversationId: s.id });
  }, 300);

  function renderControls() {
    const s = state.detail && state.detail.summary;
    if (!s) return;
    const me = state.operator;
    const mine = s.mode === 'human' && s.assignedOperatorId === me.id;
    const heldByOther = s.mode === 'human' && s.assignedOperatorId && !mine;
    const holderName = s.assignedOperatorName || 'another operator';
    const actions = [];
    if (canAct()) {
      if (mine) actions.push(h('button', { class: 'btn', type: 'button', id: 'handback', onclick: () => ((handingBack = true), renderControls()) }, 'Hand back to bot'));
      else if (heldByOther && me.role === 'admin') actions.push(h('button', { class: 'btn btn--warn', type: 'button', id: 'take-from', onclick: () => void takeover(true) }, 'Take from ' + holderName));
      else if (!heldByOther) actions.push(h('button', { class: 'btn btn--primary', type: 'button', id: 'takeover', onclick: () => void takeover(false) }, 'Take over'));
    }
    const modeText = s.mode === 'bot' ? 'Bot is handling' : mine ? 'You are handling this' : s.assignedOperatorId ? holderName + ' is handling this' : 'Waiting for a human';
    mount(
      header,
      // On a phone the list and the conversation take turns: back to the list.
      h('button', { class: 'icon-btn back-btn', id: 'back-to-list', type: 'button', 'aria-label': 'Back to conversations', onclick: () => (location.hash = '#/conversations') }, '‹'),
      h(
        'div',
        { class: 'thread__who' },
        h('h2', { class: 'thread__name' }, candidateLabel(s)),
        h('div', { class: 'thread__meta' }, channelIcon(s.channel), h('span', {}, CHANNEL_LABELS[s.channel] || s.channel), languageBadge(s.language), stageBadge(s.stage), riskBadge(s.risk), s.needsHuman ? h('span', { class: 'badge badge--needs-human' }, 'Needs human') : null),
      ),
      h('div', { class: 'thread__mode mode--' + (s.mode === 'bot' ? 'bot' : mine ? 'mine' : 'human'), id: 'mode' }, modeText),
      h('div', { class: 'thread__actions' }, actions, statusControls(s), inboxControls(s, { toast }), h('button', { class: 'btn btn--ghost details-toggle', id: 'details-toggle', type: 'button', onclick: () => publish('details-drawer') }, 'Details & notes')),
    );
    renderFooter(s, mine, heldByOther, holderName);
  }

  /** Resolve / reopen / pending / snooze (acting operators), with the current status as a badge. */
  function statusControls(s) {
    const status = statusOf(s);
    const badge = statusBadge(status, s.snoozedUntil);
    if (!canAct()) return badge;
    const set = async (next, snoozedUntil) => {
      try {
        upsertConversation(await rest('/conversations/' + encodeURIComponent(s.id) + '/status', { method: 'POST', body: snoozedUntil ? { status: next, snoozedUntil } : { status: next } }));
      } catch (err) {
        toast(err.message, 'error');
      }
    };
    const snooze = h(
      'select',
      {
        class: 'snooze',
        id: 'snooze',
        'aria-label': 'Snooze until',
        onchange: () => {
          const until = snoozeTime(snooze.value);
          snooze.value = '';
          if (until) void set('snoozed', until.toISOString());
        },
      },
      h('option', { value: '' }, 'Snooze…'),
      h('option', { value: '1h' }, 'For 1 hour'),
      h('option', { value: 'tomorrow' }, 'Until tomorrow 09:00'),
      h('option', { value: 'week' }, 'For a week'),
    );
    return h(
      'span',
      { class: 'status-controls', id: 'status-controls', dataset: { status } },
      badge,
      status === 'open' ? null : h('button', { class: 'btn btn--ghost', type: 'button', id: 'reopen', onclick: () => void set('open') }, 'Reopen'),
      status === 'pending' ? null : h('button', { class: 'btn btn--ghost', type: 'button', id: 'mark-pending', onclick: () => void set('pending') }, 'Pending'),
      status === 'resolved' ? null : h('button', { class: 'btn', type: 'button', id: 'resolve', onclick: () => void set('resolved') }, 'Resolve'),
      snooze,
    );
  }

  function renderFooter(s, mine, heldByOther, holderName) {
    // Summary pushes (new messages, unread counts) must not wipe a draft: rebuild only on a real change.
    const key = [s.id, s.mode, s.assignedOperatorId, holderName, handingBack && mine, canAct()].join('|');
    if (footer.dataset.key === key && footer.childElementCount > 0) return;
    footer.dataset.key = key;
    if (handingBack && mine) {
      const summary = h('textarea', { id: 'handback-summary', rows: 2, maxlength: 4000, placeholder: 'Summary for the team (optional): what you discussed, what is next' });
      mount(
        footer,
        h(
          'form',
          { class: 'handback', onsubmit: (e) => (e.preventDefault(), void handback(summary.value)) },
          h('label', { for: 'handback-summary' }, 'Hand back to the bot. It will ask the candidate its pending question again.'),
          summary,
          h('div', { class: 'row' }, h('button', { class: 'btn btn--primary', type: 'submit', id: 'confirm-handback' }, 'Hand back'), h('button', { class: 'btn btn--ghost', type: 'button', onclick: () => ((handingBack = false), renderControls()) }, 'Cancel')),
        ),
      );
      summary.focus();
      return;
    }
    if (!mine) {
      const text = !canAct() ? 'You are a viewer: you can watch this conversation live.' : heldByOther ? holderName + ' is talking to this candidate.' : s.mode === 'human' ? 'Nobody is handling this conversation and the bot is paused. Take over to reply.' : 'The bot is handling this conversation. Take over to reply yourself; the bot stays silent until you hand back.';
      mount(footer, h('p', { class: 'banner' }, text));
      return;
    }
    mount(footer, composer(s));
  }

  function composer(s) {
    const input = h('textarea', { id: 'composer-input', rows: 2, maxlength: 4000, placeholder: 'Write to the candidate… (Enter to send, Shift+Enter for a new line, / for canned responses)', 'aria-label': 'Reply to the candidate' });
    const canned = h(
      'select',
      { class: 'canned', 'aria-label': 'Insert a canned response', onchange: () => insertCanned() },
      h('option', { value: '' }, state.canned.length ? 'Canned responses…' : 'No canned responses'),
      state.canned.map((c) => h('option', { value: c.id }, c.title)),
    );
    const sendBtn = h('button', { class: 'btn btn--primary', type: 'submit', id: 'composer-send' }, icon('send', 16), h('span', {}, 'Send'));
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const via = channelPicker(channels, s.id);
    // Before the Enter handler below: Enter inserts the chosen reply while the `/` list is open.
    const picker = cannedPicker(input, s.id, toast);
    const manage = h('button', { class: 'btn btn--ghost', type: 'button', id: 'canned-manage', onclick: () => openCannedManager({ toast }) }, 'Manage');
    let lastTyping = 0;
    input.addEventListener('input', () => {
      if (Date.now() - lastTyping > 2000) {
        lastTyping = Date.now();
        send('typing', { conversationId: s.id });
      }
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    function insertCanned() {
      const c = state.canned.find((x) => x.id === canned.value);
      canned.value = '';
      if (c) void insertCannedReply(input, c, s.id, toast);
    }
    const form = h(
      'form',
      {
        class: 'composer',
        onsubmit: async (e) => {
          e.preventDefault();
          const text = input.value.trim();
          if (!text) return;
          sendBtn.disabled = true;
          if (via && via.value !== s.id) {
            // Another channel: that conversation is taken over too and the reply goes out there.
            const label = via.selectedOptions[0] ? via.selectedOptions[0].dataset.channel : '';
            try {
              await replyOn(s.id, via.value, text);
              error.hidden = true;
              input.value = '';
              toast('Sent on ' + (CHANNEL_LABELS[label] || label) + '.', 'success');
            } catch (err) {
              error.textContent = err.message;
              error.hidden = false;
            }
            sendBtn.disabled = false;
            return;
          }
          const r = await request('message:send', { conversationId: s.id, text });
          sendBtn.disabled = false;
          if (!r.ok) {
            error.textContent = r.error;
            error.hidden = false;
            return;
          }
          error.hidden = true;
          input.value = '';
          upsertMessage(r.data);
          input.focus();
        },
      },
      picker,
      input,
      h('div', { class: 'composer__bar' }, via, canned, manage, sendBtn),
      error,
    );
    setTimeout(() => input.focus(), 0);
    return form;
  }

  async function takeover(force) {
    const r = await request('takeover', { conversationId: state.selectedId, force });
    if (!r.ok) return toast(r.error, 'error');
    upsertConversation(r.data);
    toast(force ? 'You took over this conversation.' : 'You are now handling this conversation. The bot is silent.', 'success');
  }

  async function handback(summary) {
    const r = await request('handback', { conversationId: state.selectedId, summary: summary.trim() || undefined });
    if (!r.ok) return toast(r.error, 'error');
    handingBack = false;
    upsertConversation(r.data.summary);
    toast(r.data.resumedWith ? 'Handed back. The bot asked: “' + r.data.resumedWith.slice(0, 80) + '”' : 'Handed back to the bot.', 'success');
  }

  function renderTyping() {
    const t = state.typing.get(state.selectedId);
    const active = t && t.until > Date.now();
    typing.hidden = !active;
    typing.dataset.who = active && t.candidate ? 'candidate' : 'operator';
    typing.textContent = active ? t.name + ' is typing…' : '';
    if (active) setTimeout(renderTyping, t.until - Date.now() + 50);
  }

  on('message', onMessage);
  on('selected-summary', () => renderControls());
  on('typing', renderTyping);
  document.addEventListener('visibilitychange', () => markRead());
  return { open, refresh };
}

function messageEl(m, channel) {
  const who = m.author === 'operator' ? m.authorName || AUTHOR.operator : AUTHOR[m.author] || m.author;
  const status = m.direction === 'out' ? h('span', { class: 'msg__status msg__status--' + m.status, title: m.error || m.status }, m.status === 'failed' ? 'Not delivered' : m.status) : null;
  return h(
    'li',
    { class: 'msg msg--' + m.author + (m.status === 'failed' ? ' msg--failed' : ''), dataset: { id: m.id } },
    h('div', { class: 'msg__meta' }, h('span', { class: 'msg__author' }, who), channel ? channelBadge(channel) : null, h('time', { datetime: m.createdAt, title: fullTime(m.createdAt) }, clockTime(m.createdAt)), status),
    m.kind === 'voice' || (m.media && (m.media.audioUrl || m.media.transcript)) ? voiceEl(m) : h('p', { class: 'msg__text' }, m.text),
    m.choices && m.choices.length ? h('div', { class: 'msg__choices' }, m.choices.map((c) => h('span', { class: 'choice' }, c.label))) : null,
  );
}

function voiceEl(m) {
  const media = m.media || {};
  const seconds = media.durationSec ? Math.round(media.durationSec) : null;
  const player = h('div', { class: 'voice__player' });
  if (media.audioUrl) {
    const play = h('button', { class: 'btn btn--small', type: 'button', onclick: () => void load() }, icon('mic', 14), h('span', {}, 'Play voice note'));
    player.appendChild(play);
    const load = async () => {
      play.disabled = true;
      try {
        const audio = h('audio', { controls: true, src: await audioObjectUrl(media.audioUrl), preload: 'auto' });
        player.replaceChildren(audio);
        void audio.play().catch(() => undefined);
      } catch (err) {
        player.replaceChildren(h('span', { class: 'form-error' }, err.message));
      }
    };
  } else {
    player.appendChild(h('span', { class: 'muted' }, 'Audio not stored'));
  }
  const transcript = (media.transcript && media.transcript.text) || m.text;
  return h(
    'div',
    { class: 'voice' },
    h('div', { class: 'voice__head' }, icon('mic', 16), h('span', {}, 'Voice note' + (seconds ? ' · ' + Math.floor(seconds / 60) + ':' + String(seconds % 60).padStart(2, '0') : ''))),
    player,
    transcript ? h('p', { class: 'msg__text voice__transcript' }, h('span', { class: 'voice__label' }, 'Transcript: '), transcript) : h('p', { class: 'muted' }, 'Not transcribed.'),
  );
}

/** When a snooze preset ends (local time). */
function snoozeTime(preset) {
  const now = new Date();
  if (preset === '1h') return new Date(now.getTime() + 3600_000);
  if (preset === 'week') return new Date(now.getTime() + 7 * 24 * 3600_000);
  if (preset === 'tomorrow') {
    const t = new Date(now);
    t.setDate(t.getDate() + 1);
    t.setHours(9, 0, 0, 0);
    return t;
  }
  return null;
}

/** The language the bot writes to the candidate in (recruiters' own messages are sent as written). */
const LANGUAGE_NAMES = { en: 'English', es: 'Spanish', pt: 'Portuguese', fr: 'French', de: 'German' };
function languageBadge(code) {
  if (!code) return null;
  const name = LANGUAGE_NAMES[code] || code;
  return h('span', { class: 'badge badge--language', id: 'candidate-language', title: 'The bot writes to this candidate in ' + name }, name);
}
