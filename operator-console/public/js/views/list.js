import { request } from '../api.js';
import { debounce, h, mount } from '../dom.js';
import { candidateLabel, channelIcon, icon, initials, riskBadge, shortTime, stageBadge, STATUS_LABELS, statusBadge } from '../format.js';
import { byUrgency, matchesFilter, matchesStatus, on, publish, state, statusOf } from '../state.js';
import { matchesLabel, renderListTools, rowBadges } from './inbox-tools.js';

const FILTERS = [
  ['all', 'All'],
  ['needs-human', 'Needs human'],
  ['at-risk', 'At risk'],
  ['mine', 'Mine'],
  ['unassigned', 'Unassigned'],
];

/** The conversation list: filters with counts, search, rows sorted by urgency. */
export function renderList(container, { onSelect, toast = () => undefined }) {
  const chips = h('div', { class: 'filters', role: 'tablist', 'aria-label': 'Filter conversations' });
  const search = h('input', {
    class: 'search__input',
    type: 'search',
    placeholder: 'Search name, role or message',
    'aria-label': 'Search conversations',
    oninput: () => {
      state.search = search.value.trim().toLowerCase();
      render();
      findEverywhere();
    },
  });
  // Matches anywhere (every message, names, emails, phones, notes), from the server's index.
  const hits = h('ul', { class: 'hits', id: 'search-results', 'aria-label': 'Search matches', hidden: true });
  /** Conversation ids the server found for the current search (shown even if their last message does not match). */
  let hitIds = new Set();
  let asked = 0;
  const findEverywhere = debounce(async () => {
    const q = state.search;
    const mine = ++asked;
    if (q.length < 2) {
      hitIds = new Set();
      hits.hidden = true;
      hits.replaceChildren();
      render();
      return;
    }
    let results;
    try {
      results = (await request('/search?q=' + encodeURIComponent(q) + '&limit=30')).results;
    } catch {
      results = [];
    }
    if (mine !== asked) return;
    hitIds = new Set(results.map((r) => r.conversationId));
    hits.hidden = results.length === 0;
    mount(hits, results.map(hitRow));
    render();
  }, 200);

  function hitRow(r) {
    const s = state.conversations.get(r.conversationId);
    return h(
      'li',
      { class: 'hit', dataset: { id: r.conversationId, kind: r.kind } },
      h(
        'button',
        { type: 'button', class: 'hit__btn', onclick: () => onSelect(r.conversationId) },
        h('span', { class: 'hit__top' }, h('span', { class: 'hit__name' }, s ? candidateLabel(s) : 'Conversation'), h('span', { class: 'hit__kind' }, HIT_KINDS[r.kind] || r.kind)),
        h('span', { class: 'hit__snippet' }, highlighted(r.snippet)),
      ),
    );
  }
  const statusSelect = h(
    'select',
    { class: 'status-filter', id: 'status-filter', 'aria-label': 'Show conversations by status', onchange: () => ((state.statusFilter = statusSelect.value), render()) },
    h('option', { value: 'any' }, 'Any status'),
    Object.entries(STATUS_LABELS).map(([id, label]) => h('option', { value: id }, label)),
  );
  const list = h('ul', { class: 'conv-list', id: 'conversation-list', 'aria-label': 'Conversations' });
  // Label filter and saved filters (views/inbox-tools.js).
  const tools = h('div', { class: 'list-tools', id: 'list-tools' });
  mount(container, h('div', { class: 'list-head' }, h('h2', { class: 'pane-title' }, 'Conversations'), h('label', { class: 'search' }, icon('search', 16), search), hits), chips, tools, list);
  renderListTools(tools, { toast, applySearch: (q) => ((search.value = q), search.dispatchEvent(new window.Event('input'))) });

  function render() {
    const all = [...state.conversations.values()];
    const shown = all.filter((s) => matchesStatus(s, state.statusFilter));
    mount(
      chips,
      FILTERS.map(([id, label]) => {
        const count = shown.filter((s) => matchesFilter(s, id)).length;
        return h(
          'button',
          { type: 'button', role: 'tab', class: 'chip' + (state.filter === id ? ' chip--active' : '') + (id === 'needs-human' && count ? ' chip--urgent' : ''), 'aria-selected': String(state.filter === id), dataset: { filter: id }, onclick: () => setFilter(id) },
          label,
          h('span', { class: 'chip__count' }, String(count)),
        );
      }),
      statusSelect,
    );
    const rows = shown.filter((s) => matchesFilter(s, state.filter) && matchesLabel(s) && (matchesSearch(s) || hitIds.has(s.id))).sort(byUrgency);
    if (rows.length === 0) {
      mount(list, h('li', { class: 'empty' }, state.conversations.size === 0 ? 'No conversations yet. They appear here live as candidates write.' : 'No conversation matches this filter.'));
      return;
    }
    mount(list, rows.map(row));
  }

  function row(s) {
    const preview = s.lastMessage ? previewText(s.lastMessage) : 'No messages yet';
    const holder = s.mode === 'human' ? (s.assignedOperatorId ? 'With ' + (s.assignedOperatorId === state.operator.id ? 'you' : s.assignedOperatorName || 'an operator') : 'Unassigned') : null;
    return h(
      'li',
      { class: 'conv' + (s.id === state.selectedId ? ' conv--selected' : '') + (s.needsHuman ? ' conv--urgent' : ''), dataset: { id: s.id, status: statusOf(s) } },
      h(
        'button',
        { type: 'button', class: 'conv__btn', onclick: () => onSelect(s.id), 'aria-current': s.id === state.selectedId ? 'true' : undefined },
        h('span', { class: 'avatar avatar--' + s.channel, 'aria-hidden': 'true' }, initials(s.candidateName), h('span', { class: 'avatar__channel' }, channelIcon(s.channel))),
        h(
          'span',
          { class: 'conv__body' },
          h('span', { class: 'conv__top' }, h('span', { class: 'conv__name' }, candidateLabel(s)), h('time', { class: 'conv__time', datetime: s.lastActivityAt }, shortTime(s.lastActivityAt))),
          h('span', { class: 'conv__preview' }, preview),
          h(
            'span',
            { class: 'conv__badges' },
            stageBadge(s.stage),
            statusBadge(statusOf(s), s.snoozedUntil),
            s.needsHuman ? h('span', { class: 'badge badge--needs-human' }, 'Needs human') : null,
            riskBadge(s.risk),
            holder ? h('span', { class: 'badge badge--human' }, holder) : null,
            rowBadges(s),
            s.unread > 0 ? h('span', { class: 'unread', 'aria-label': s.unread + ' unread' }, String(s.unread)) : null,
          ),
        ),
      ),
    );
  }

  function setFilter(id) {
    state.filter = id;
    publish('filter');
    render();
  }

  on('conversations', render);
  on('selected', render);
  render();
  setInterval(render, 60_000);
}

const HIT_KINDS = { message: 'Message', candidate: 'Candidate', note: 'Note' };

/** A server snippet (matches between U+0002 and U+0003) as text nodes and <mark>s: never HTML. */
function highlighted(snippet) {
  return String(snippet)
    .split('\u0002')
    .flatMap((part, i) => {
      if (i === 0) return [part];
      const end = part.indexOf('\u0003');
      return end < 0 ? [part] : [h('mark', {}, part.slice(0, end)), part.slice(end + 1)];
    })
    .filter((x) => x !== '');
}

function previewText(m) {
  const who = m.author === 'candidate' ? '' : m.author === 'operator' ? (m.authorName || 'Recruiter') + ': ' : 'Bot: ';
  const text = m.kind === 'voice' && !m.text ? '🎤 Voice note' : (m.kind === 'voice' ? '🎤 ' : '') + m.text;
  return who + text;
}

function matchesSearch(s) {
  if (!state.search) return true;
  const hay = [s.candidateName, s.role, s.lastMessage && s.lastMessage.text, s.channel, s.stage].filter(Boolean).join(' ').toLowerCase();
  return hay.includes(state.search);
}
