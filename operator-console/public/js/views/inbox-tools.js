// Assignment, labels and saved filters (REST: /conversations/:id/assign, /labels,
// /conversations/:id/labels, /saved-filters; pushes: `labels`, `saved-filters`, `conversation:upsert`).
import { request as rest } from '../api.js';
import { h, mount } from '../dom.js';
import { canAct, on, publish, state } from '../state.js';

state.labels = state.labels || [];
state.savedFilters = state.savedFilters || [];
/** A label being named in the header (kept when the header re-renders on a push). */
let labelDraft = null;
/** Label id the list shows, or '' for any. */
state.labelFilter = state.labelFilter || '';

/** Labels and the operator's saved filters (at start and after a full reload). */
export async function loadInboxState() {
  const [labels, filters] = await Promise.all([rest('/labels'), rest('/saved-filters')]);
  setLabels(labels.labels);
  setSavedFilters(filters.filters);
}

// Labels or saved filters changed while the socket was down: the catch-up (`sync`) brings rows, not these.
let wentDown = false;
on('status', (status) => {
  if (status !== 'live') wentDown = true;
  else if (wentDown && state.operator) {
    wentDown = false;
    void loadInboxState().catch(() => undefined);
  }
});

export function setLabels(labels) {
  state.labels = labels;
  if (state.labelFilter && !labels.some((l) => l.id === state.labelFilter)) state.labelFilter = '';
  publish('labels');
  publish('conversations');
}

export function setSavedFilters(filters) {
  state.savedFilters = filters;
  publish('saved-filters');
}

/** The list's label filter. */
export function matchesLabel(s) {
  return !state.labelFilter || (s.labels || []).includes(state.labelFilter);
}

function labelById(id) {
  return state.labels.find((l) => l.id === id);
}

function chip(label, onRemove) {
  const el = h('span', { class: 'label-chip', dataset: { label: label.id } }, h('span', { class: 'label-chip__dot', 'aria-hidden': 'true', style: { background: label.color } }), label.name);
  if (onRemove) el.appendChild(h('button', { type: 'button', class: 'label-chip__remove', 'aria-label': 'Remove label ' + label.name, onclick: onRemove }, '×'));
  return el;
}

/** Label chips and the assignee for a list row. */
export function rowBadges(s) {
  const me = state.operator && state.operator.id;
  const labels = (s.labels || []).map(labelById).filter(Boolean).map((l) => chip(l));
  const assignee = s.assigneeId ? h('span', { class: 'badge badge--assignee', dataset: { assignee: s.assigneeId } }, '→ ' + (s.assigneeId === me ? 'you' : s.assigneeName || 'someone')) : null;
  return [assignee, ...labels];
}

/** The conversation header's "Assigned to" select and its labels (add, remove, create). */
export function inboxControls(s, { toast }) {
  const run = async (fn) => {
    try {
      await fn();
    } catch (err) {
      toast(err.message, 'error');
    }
  };
  const path = '/conversations/' + encodeURIComponent(s.id);
  const applied = (s.labels || []).map(labelById).filter(Boolean);
  if (!canAct()) {
    return h('span', { class: 'inbox-controls', id: 'inbox-controls' }, s.assigneeId ? h('span', { class: 'badge badge--assignee' }, 'Assigned to ' + (s.assigneeName || 'someone')) : null, applied.map((l) => chip(l)));
  }
  const operators = [...state.operators.values()].filter((o) => o.active !== false);
  const assign = h(
    'select',
    {
      class: 'inbox-select',
      id: 'assign',
      'aria-label': 'Assigned to',
      onchange: () => void run(async () => publishSummary(await rest(path + '/assign', { method: 'POST', body: { operatorId: assign.value || null } }))),
    },
    h('option', { value: '' }, 'Unassigned'),
    operators.map((o) => h('option', { value: o.id, selected: o.id === s.assigneeId }, (o.id === state.operator.id ? 'Me (' + o.name + ')' : o.name))),
  );
  const drafting = labelDraft && labelDraft.conversationId === s.id;
  const newName = h('input', { class: 'inbox-input', id: 'new-label-name', placeholder: 'New label', maxlength: 40, 'aria-label': 'New label name', hidden: !drafting, value: drafting ? labelDraft.value : '' });
  newName.addEventListener('input', () => (labelDraft = { conversationId: s.id, value: newName.value }));
  const create = h('button', { class: 'btn btn--small', type: 'button', id: 'create-label', hidden: !drafting, onclick: () => void run(createAndApply) }, 'Add');
  const addLabel = h(
    'select',
    {
      class: 'inbox-select',
      id: 'add-label',
      'aria-label': 'Add a label',
      onchange: () => {
        const value = addLabel.value;
        addLabel.value = '';
        if (value === '__new') {
          labelDraft = { conversationId: s.id, value: '' };
          newName.hidden = false;
          create.hidden = false;
          newName.focus();
        } else if (value) void run(async () => publishSummary(await rest(path + '/labels', { method: 'POST', body: { labelId: value } })));
      },
    },
    h('option', { value: '' }, '+ Label…'),
    state.labels.filter((l) => !(s.labels || []).includes(l.id)).map((l) => h('option', { value: l.id }, l.name)),
    h('option', { value: '__new' }, 'New label…'),
  );
  newName.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    void run(createAndApply);
  });
  async function createAndApply() {
    const name = newName.value.trim();
    if (!name) return;
    const label = await rest('/labels', { method: 'POST', body: { name } });
    labelDraft = null;
    if (!labelById(label.id)) setLabels([...state.labels, label]);
    publishSummary(await rest(path + '/labels', { method: 'POST', body: { labelId: label.id } }));
  }
  const remove = (l) => () => void run(async () => publishSummary(await rest(path + '/labels/' + encodeURIComponent(l.id), { method: 'DELETE' })));
  return h(
    'span',
    { class: 'inbox-controls', id: 'inbox-controls', dataset: { assignee: s.assigneeId || '' } },
    h('label', { class: 'inbox-field' }, h('span', { class: 'inbox-field__label' }, 'Assigned to'), assign),
    h('span', { class: 'labels', id: 'conversation-labels' }, applied.map((l) => chip(l, remove(l))), addLabel, newName, create),
  );
}

function publishSummary(summary) {
  // The push will bring it too; showing it now keeps the header in step with the click.
  state.conversations.set(summary.id, summary);
  publish('conversations');
  if (summary.id === state.selectedId) {
    if (state.detail) state.detail.summary = summary;
    publish('selected-summary', summary);
  }
}

/** Above the list: label filter and saved filters (apply, save the current view, delete). */
export function renderListTools(container, { toast, applySearch }) {
  const labelSelect = h('select', { class: 'status-filter', id: 'label-filter', 'aria-label': 'Show conversations with a label', onchange: () => ((state.labelFilter = labelSelect.value), publish('conversations')) });
  const saved = h('select', { class: 'status-filter', id: 'saved-filter', 'aria-label': 'Saved filters', onchange: () => pick() });
  const del = h('button', { class: 'btn btn--ghost btn--small', type: 'button', id: 'delete-saved-filter', hidden: true, onclick: () => void remove() }, 'Delete view');
  const nameInput = h('input', { class: 'inbox-input', id: 'saved-filter-name', placeholder: 'Name this view', maxlength: 60, 'aria-label': 'Name of the saved filter', hidden: true });
  const saveBtn = h('button', { class: 'btn btn--small', type: 'button', id: 'save-filter', hidden: true, onclick: () => void save() }, 'Save');
  let current = '';
  nameInput.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    void save();
  });
  mount(container, labelSelect, saved, del, nameInput, saveBtn);

  function render() {
    mount(labelSelect, h('option', { value: '' }, 'Any label'), state.labels.map((l) => h('option', { value: l.id, selected: l.id === state.labelFilter }, l.name)));
    labelSelect.value = state.labelFilter;
    mount(saved, h('option', { value: '' }, 'Saved filters…'), state.savedFilters.map((f) => h('option', { value: f.id }, f.name)), h('option', { value: '__save' }, 'Save current view…'));
    if (!state.savedFilters.some((f) => f.id === current)) current = '';
    saved.value = current;
    del.hidden = !current;
  }
  function pick() {
    const value = saved.value;
    if (value === '__save') {
      saved.value = current;
      nameInput.hidden = false;
      saveBtn.hidden = false;
      nameInput.focus();
      return;
    }
    current = value;
    del.hidden = !current;
    const f = state.savedFilters.find((x) => x.id === value);
    if (!f) return;
    const q = f.query;
    state.filter = q.filter || 'all';
    state.statusFilter = q.status || 'any';
    state.labelFilter = q.label || '';
    const status = document.getElementById('status-filter');
    if (status) status.value = state.statusFilter;
    applySearch(q.search || '');
    render();
    publish('filter');
    publish('conversations');
  }
  async function save() {
    const name = nameInput.value.trim();
    if (!name) return;
    const query = { filter: state.filter, status: state.statusFilter, ...(state.labelFilter ? { label: state.labelFilter } : {}), ...(state.search ? { search: state.search } : {}) };
    try {
      const f = await rest('/saved-filters', { method: 'POST', body: { name, query } });
      if (!state.savedFilters.some((x) => x.id === f.id)) setSavedFilters([...state.savedFilters, f]);
      current = f.id;
      nameInput.value = '';
      nameInput.hidden = true;
      saveBtn.hidden = true;
      render();
    } catch (err) {
      toast(err.message, 'error');
    }
  }
  async function remove() {
    if (!current) return;
    try {
      await rest('/saved-filters/' + encodeURIComponent(current), { method: 'DELETE' });
      setSavedFilters(state.savedFilters.filter((f) => f.id !== current));
    } catch (err) {
      toast(err.message, 'error');
    }
  }
  on('labels', render);
  on('saved-filters', render);
  render();
}
