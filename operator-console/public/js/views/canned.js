// Canned responses: the `/` picker in the composer, filling variables per conversation, and the
// manager (personal and shared replies; a shared one is changed by its author or an admin).
import { request as rest } from '../api.js';
import { h, mount } from '../dom.js';
import { publish, state } from '../state.js';

const VARIABLES = ['{{candidate.name}}', '{{role}}', '{{recruiter.name}}', '{{nextInterview}}'];

/** Reload the list (shared ones and my personal ones) and tell the views. */
export async function reloadCanned() {
  state.canned = (await rest('/canned-responses')).cannedResponses;
  publish('canned');
}

/** Put a canned response into the composer with its variables filled for this conversation. */
export async function insertCanned(input, canned, conversationId, toast) {
  let text = canned.text;
  try {
    const filled = await rest('/canned-responses/' + encodeURIComponent(canned.id) + '/fill', { method: 'POST', body: { conversationId } });
    text = filled.text;
    if (filled.missing.length) toast('No value yet for ' + filled.missing.map((m) => '{{' + m + '}}').join(', ') + ': complete it before sending.', 'info');
  } catch (err) {
    toast(err.message, 'error');
  }
  const rest_ = input.value.replace(/^\/\S*$/, '');
  input.value = rest_ ? rest_ + (rest_.endsWith(' ') ? '' : ' ') + text : text;
  input.focus();
  input.setSelectionRange(input.value.length, input.value.length);
}

/**
 * The `/` shortcut: typing `/` at the start of an empty composer lists the canned responses,
 * narrowed by what follows; arrows choose, Enter or Tab inserts, Escape closes.
 * Attach before the composer's own Enter handler (it stops Enter while the list is open).
 */
export function cannedPicker(input, conversationId, toast) {
  const list = h('ul', { class: 'canned-picker', id: 'canned-picker', role: 'listbox', 'aria-label': 'Canned responses', hidden: true });
  let matches = [];
  let active = 0;
  const query = () => {
    const m = input.value.match(/^\/(\S*)$/);
    return m ? m[1].toLowerCase() : null;
  };
  function render() {
    const q = query();
    matches = q === null ? [] : state.canned.filter((c) => c.title.toLowerCase().includes(q) || c.text.toLowerCase().includes(q));
    active = Math.min(active, Math.max(0, matches.length - 1));
    list.hidden = q === null;
    input.setAttribute('aria-expanded', String(!list.hidden));
    if (list.hidden) return;
    if (!matches.length) return mount(list, h('li', { class: 'canned-picker__empty muted' }, state.canned.length ? 'No canned response matches.' : 'No canned responses yet: add one with Manage.'));
    mount(
      list,
      matches.map((c, i) =>
        h(
          'li',
          { class: 'canned-picker__item' + (i === active ? ' canned-picker__item--active' : ''), role: 'option', 'aria-selected': String(i === active), dataset: { id: c.id }, onmousedown: (e) => (e.preventDefault(), void choose(c)) },
          h('strong', {}, c.title),
          c.scope === 'personal' ? h('span', { class: 'badge badge--personal' }, 'Personal') : null,
          h('span', { class: 'canned-picker__text' }, c.text.length > 90 ? c.text.slice(0, 90) + '…' : c.text),
        ),
      ),
    );
  }
  async function choose(c) {
    list.hidden = true;
    await insertCanned(input, c, conversationId, toast);
  }
  input.setAttribute('aria-controls', 'canned-picker');
  input.addEventListener('input', () => {
    active = 0;
    render();
  });
  input.addEventListener('keydown', (e) => {
    if (list.hidden) return;
    if (e.key === 'Escape') {
      list.hidden = true;
      e.stopImmediatePropagation();
      return;
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      active = (active + (e.key === 'ArrowDown' ? 1 : -1) + matches.length) % Math.max(1, matches.length);
      render();
      return;
    }
    if ((e.key === 'Enter' || e.key === 'Tab') && matches[active]) {
      e.preventDefault();
      e.stopImmediatePropagation();
      void choose(matches[active]);
    }
  });
  input.addEventListener('blur', () => setTimeout(() => (list.hidden = true), 150));
  return list;
}

/** The manager dialog: every reply I can see, with edit and delete where I may change it. */
export function openCannedManager({ toast }) {
  document.getElementById('canned-manager')?.remove();
  const me = state.operator;
  const mayChange = (c) => c.createdBy === me.id || (c.scope === 'shared' && me.role === 'admin');
  const items = h('ul', { class: 'canned-manager__list' });
  const title = h('input', { id: 'canned-title', maxlength: 80, required: true, 'aria-label': 'Title' });
  const text = h('textarea', { id: 'canned-text', rows: 4, maxlength: 4000, required: true, 'aria-label': 'Text' });
  const scope = h('select', { id: 'canned-scope', 'aria-label': 'Who sees it' }, h('option', { value: 'shared' }, 'Shared with the team'), h('option', { value: 'personal' }, 'Personal (only me)'));
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  let editing = null;
  const saveBtn = h('button', { class: 'btn btn--primary', type: 'submit', id: 'canned-save' }, 'Add');
  function edit(c) {
    editing = c;
    title.value = c ? c.title : '';
    text.value = c ? c.text : '';
    scope.value = c ? c.scope : 'shared';
    scope.disabled = Boolean(c && c.createdBy !== me.id);
    saveBtn.textContent = c ? 'Save' : 'Add';
    title.focus();
  }
  function renderList() {
    mount(
      items,
      state.canned.length
        ? state.canned.map((c) =>
            h(
              'li',
              { class: 'canned-manager__item', dataset: { id: c.id } },
              h('div', {}, h('strong', {}, c.title), ' ', h('span', { class: 'badge' + (c.scope === 'personal' ? ' badge--personal' : '') }, c.scope === 'personal' ? 'Personal' : 'Shared')),
              h('p', { class: 'canned-manager__text' }, c.text),
              mayChange(c)
                ? h(
                    'div',
                    { class: 'row' },
                    h('button', { class: 'btn btn--small', type: 'button', onclick: () => edit(c) }, 'Edit'),
                    h('button', { class: 'btn btn--small btn--ghost', type: 'button', onclick: () => void remove(c) }, 'Delete'),
                  )
                : null,
            ),
          )
        : h('li', { class: 'muted' }, 'No canned responses yet.'),
    );
  }
  async function remove(c) {
    try {
      await rest('/canned-responses/' + encodeURIComponent(c.id), { method: 'DELETE' });
      await reloadCanned();
      renderList();
    } catch (err) {
      toast(err.message, 'error');
    }
  }
  const form = h(
    'form',
    {
      class: 'canned-manager__form',
      onsubmit: async (e) => {
        e.preventDefault();
        const body = { title: title.value, text: text.value, scope: scope.value };
        try {
          await rest(editing ? '/canned-responses/' + encodeURIComponent(editing.id) : '/canned-responses', { method: editing ? 'PUT' : 'POST', body });
          error.hidden = true;
          await reloadCanned();
          renderList();
          edit(null);
        } catch (err) {
          error.textContent = err.message;
          error.hidden = false;
        }
      },
    },
    h('label', { for: 'canned-title' }, 'Title'),
    title,
    h('label', { for: 'canned-text' }, 'Text'),
    text,
    h('p', { class: 'muted small' }, 'Variables: ' + VARIABLES.join(' ') + '. Type / in the composer to insert a reply.'),
    scope,
    error,
    h('div', { class: 'row' }, saveBtn, h('button', { class: 'btn btn--ghost', type: 'button', onclick: () => edit(null) }, 'New')),
  );
  const dialog = h(
    'dialog',
    { class: 'canned-manager', id: 'canned-manager', 'aria-label': 'Canned responses' },
    h('div', { class: 'canned-manager__head' }, h('h2', {}, 'Canned responses'), h('button', { class: 'btn btn--ghost', type: 'button', id: 'canned-close', onclick: () => dialog.close() }, 'Close')),
    items,
    form,
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.appendChild(dialog);
  renderList();
  dialog.showModal();
  edit(null);
  return dialog;
}
