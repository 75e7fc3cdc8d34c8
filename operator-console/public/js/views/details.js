import { request as api } from '../api.js';
import { debounce, h, mount } from '../dom.js';
import { CHANNEL_LABELS, fullTime, shortTime, STAGE_LABELS } from '../format.js';
import { request } from '../live.js';
import { canAct, on, publish, state } from '../state.js';
import { cvPanel } from './cv-panel.js';
import { interviewPanel } from './interview-panel.js';

const TABS = [
  ['interview', 'Interview'],
  ['profile', 'Profile'],
  ['timeline', 'Timeline'],
  ['notes', 'Notes'],
];
// Messages are in the transcript; the timeline shows what changed.
const HIDDEN_EVENTS = new Set(['MessageReceived', 'MessageSent', 'MessageStatusChanged']);

/** The right-hand panel of a conversation: interview, profile, timeline and internal notes. */
export function renderDetails(container) {
  let tab = 'interview';
  const body = h('div', { class: 'details__body' });
  const tabs = h('div', { class: 'tabs', role: 'tablist' });
  // Under 1100 px the panel is a drawer (opened from the conversation header): this closes it.
  const close = h('button', { class: 'icon-btn drawer-close', id: 'details-close', type: 'button', 'aria-label': 'Close the details panel', onclick: () => publish('details-drawer', false) }, '×');
  mount(container, h('div', { class: 'details__bar' }, tabs, close), body);

  function render() {
    const detail = state.detail;
    container.hidden = !state.selectedId;
    mount(tabs, TABS.map(([id, label]) => h('button', { type: 'button', role: 'tab', class: 'tab' + (tab === id ? ' tab--active' : ''), 'aria-selected': String(tab === id), dataset: { tab: id }, onclick: () => ((tab = id), render()) }, label, id === 'notes' && detail && detail.notes.length ? h('span', { class: 'tab__count' }, String(detail.notes.length)) : null)));
    if (!detail) return void mount(body, h('p', { class: 'muted' }, 'Loading…'));
    if (tab === 'interview') mount(body, interviewPanel(detail));
    if (tab === 'profile') mount(body, profile(detail));
    if (tab === 'timeline') mount(body, timeline(detail));
    if (tab === 'notes') mount(body, notes(detail));
  }

  on('detail', render);
  on('selected', render);
  on('selected-summary', () => tab === 'profile' && render());
  // The interview snapshot and profile change with the conversation's turns: re-read them.
  const refresh = debounce(async (id) => {
    if (state.selectedId !== id || !state.detail) return;
    try {
      const fresh = await api('/conversations/' + encodeURIComponent(id));
      if (state.selectedId !== id || !state.detail) return;
      Object.assign(state.detail, { state: fresh.state, candidate: fresh.candidate, events: fresh.events, assessment: fresh.assessment });
      render();
    } catch {
      // Shown again on the next change; the transcript itself is live regardless.
    }
  }, 400);
  on('event', (e) => {
    if (!state.detail || e.conversationId !== state.selectedId || state.detail.events.some((x) => x.id === e.id)) return;
    state.detail.events.push(e);
    // A recommendation override (by anyone) changes the assessment shown.
    if (e.type !== 'MessageStatusChanged' && (e.type !== 'OperatorAction' || e.action === 'assessment-override')) refresh(e.conversationId);
    else if (tab === 'timeline') render();
  });
  on('note', (n) => {
    if (!state.detail || n.conversationId !== state.selectedId || state.detail.notes.some((x) => x.id === n.id)) return;
    state.detail.notes.push(n);
    render();
  });
  render();
}

function profile(detail) {
  const c = detail.candidate;
  const row = (label, value) => (value ? h('div', { class: 'kv' }, h('dt', {}, label), h('dd', {}, value)) : null);
  return h('div', {}, profileRows(detail, c, row), cvPanel(detail));
}

function profileRows(detail, c, row) {
  return h(
    'dl',
    { class: 'kvs' },
    row('Name', c.name || 'Not given yet'),
    row('Applying for', c.role),
    row('Stage', STAGE_LABELS[c.stage] || c.stage),
    row('Channel', CHANNEL_LABELS[detail.ref.channel] || detail.ref.channel),
    row('Email', c.email),
    row('Phone', c.phone),
    row('Time zone', c.timeZone),
    row('Consent', c.consentAt ? fullTime(c.consentAt) : 'Not yet'),
    row('Opted out', c.optedOut ? 'Yes: no messages are sent' : null),
    row('Reachable', c.unreachable ? 'No: the channel refuses messages' : null),
    row('First contact', fullTime(c.createdAt)),
    row('Candidate id', c.id),
  );
}

function operatorName(id) {
  const o = state.operators.get(id);
  return o ? o.name : id;
}

function actorName(actor) {
  if (!actor) return '';
  if (actor.startsWith('operator:')) return operatorName(actor.slice('operator:'.length));
  return { bot: 'Bot', candidate: 'Candidate', system: 'Parley' }[actor] || actor;
}

/** One readable line per event. */
export function describeEvent(e) {
  switch (e.type) {
    case 'ConversationStarted':
      return 'Conversation started on ' + (CHANNEL_LABELS[e.channel] || e.channel);
    case 'CandidateStateChanged':
      return 'Stage: ' + (STAGE_LABELS[e.from] || e.from) + ' → ' + (STAGE_LABELS[e.to] || e.to);
    case 'OperatorTakeover':
      return operatorName(e.operatorId) + ' took over';
    case 'OperatorHandback':
      return operatorName(e.operatorId) + ' handed back to the bot' + (e.summary ? ': ' + e.summary : '');
    case 'HumanRequested':
      return 'Asked for a human: ' + e.reason;
    case 'NeedsHumanFlagged':
      return 'Flagged for a human: ' + e.reason;
    case 'ConversationUnassigned':
      return operatorName(e.operatorId) + ' went offline; unassigned';
    case 'CandidateAtRisk':
      return 'At risk of dropping out (' + e.level + ', ' + e.score + '): ' + e.recommendedAction;
    case 'RiskAssessed':
      return 'Risk assessed: ' + e.level + ' (' + e.score + ')';
    case 'InterviewStarted':
      return 'Interview started (' + e.role + ')';
    case 'InterviewCompleted':
      return 'Interview completed: ' + e.overallScore + '/100, ' + e.recommendation;
    case 'MessageFailed':
      return 'A message was not delivered: ' + e.error;
    case 'OperatorAction':
      if (e.action === 'assessment-override' && e.details) return actorName(e.actor) + ' set the recommendation to ' + e.details.to + ' (was ' + e.details.from + '): ' + e.details.reason;
      return actorName(e.actor) + ': ' + String(e.action).replace(/-/g, ' ');
    default:
      return e.type.replace(/([a-z])([A-Z])/g, '$1 $2');
  }
}

function timeline(detail) {
  const events = detail.events.filter((e) => !HIDDEN_EVENTS.has(e.type)).slice().reverse();
  if (events.length === 0) return h('p', { class: 'muted' }, 'Nothing has happened yet.');
  return h(
    'ol',
    { class: 'timeline', id: 'timeline' },
    events.map((e) => h('li', { class: 'timeline__item timeline__item--' + e.type }, h('span', { class: 'timeline__dot', 'aria-hidden': 'true' }), h('div', {}, h('p', { class: 'timeline__text' }, describeEvent(e)), h('time', { datetime: e.at, title: fullTime(e.at) }, shortTime(e.at) + ' · ' + actorName(e.actor))))),
  );
}

function notes(detail) {
  const list = detail.notes.length
    ? h('ul', { class: 'notes', id: 'notes' }, detail.notes.map((n) => h('li', { class: 'note' }, h('div', { class: 'note__meta' }, h('strong', {}, n.operatorName), h('time', { datetime: n.createdAt }, shortTime(n.createdAt))), h('p', { class: 'note__text' }, n.text))))
    : h('p', { class: 'muted' }, 'No notes yet. Notes are for the team and never sent to the candidate.');
  if (!canAct()) return h('div', {}, list);
  // Re-rendered when notes or the conversation change: keep what the operator was typing.
  const draft = document.getElementById('note-input');
  const input = h('textarea', { id: 'note-input', rows: 3, maxlength: 4000, placeholder: 'Internal note (never sent to the candidate)', 'aria-label': 'Internal note', value: draft ? draft.value : '' });
  const error = h('p', { class: 'form-error', hidden: true });
  const form = h(
    'form',
    {
      class: 'note-form',
      onsubmit: async (e) => {
        e.preventDefault();
        const r = await request('note:add', { conversationId: detail.summary.id, text: input.value });
        if (!r.ok) {
          error.textContent = r.error;
          error.hidden = false;
          return;
        }
        // The live `note` push may have re-rendered the panel (keeping the draft) before this
        // answer came: clear whichever note box is on screen now, then redraw it.
        input.value = '';
        const current = document.getElementById('note-input');
        if (current) current.value = '';
        if (!detail.notes.some((x) => x.id === r.data.id)) detail.notes.push(r.data);
        const shown = (current && current.closest('.note-form')) || form;
        if (shown.parentElement) shown.parentElement.replaceWith(notes(detail));
      },
    },
    input,
    error,
    h('button', { class: 'btn', type: 'submit' }, 'Add note'),
  );
  return h('div', {}, list, form);
}
