// Keyboard shortcuts for the inbox. They never fire while typing (inputs, text areas, selects,
// editable text) or with Ctrl / Alt / Cmd held, nor under an open dialog other than their own.
import { h } from './dom.js';

/** What each key does, shown by `?` (and in docs/console.md). */
export const SHORTCUTS = [
  { keys: ['j'], label: 'Next conversation' },
  { keys: ['k'], label: 'Previous conversation' },
  { keys: ['t'], label: 'Take over the open conversation' },
  { keys: ['h'], label: 'Hand back to the bot' },
  { keys: ['r'], label: 'Reply: focus the composer' },
  { keys: ['/'], label: 'Search conversations' },
  { keys: ['?'], label: 'Show this list' },
  { keys: ['Esc'], label: 'Close a panel or this list' },
];

const ACTIONS = {
  j: (ctx) => step(ctx, 1),
  k: (ctx) => step(ctx, -1),
  t: () => click('#takeover'),
  h: () => click('#handback'),
  r: () => focus('#composer-input'),
  '/': () => focus('.search__input'),
  '?': () => openOverlay(),
};

/** Listen for the shortcuts on this page; `open(id)` shows a conversation. */
export function installShortcuts({ open }) {
  document.addEventListener('keydown', (e) => {
    const action = ACTIONS[e.key];
    if (!action || e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || otherDialogOpen()) return;
    e.preventDefault();
    action({ open });
  });
}

function typing(target) {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

function otherDialogOpen() {
  return Boolean(document.querySelector('dialog[open]:not(#shortcuts)'));
}

/** The next / previous row of the list as shown (filters and order applied). */
function step({ open }, by) {
  const rows = [...document.querySelectorAll('#conversation-list .conv[data-id]')];
  if (!rows.length) return;
  const current = rows.findIndex((r) => r.classList.contains('conv--selected'));
  const next = rows[current < 0 ? (by > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, current + by))];
  next.scrollIntoView({ block: 'nearest' });
  open(next.dataset.id);
}

function click(selector) {
  const el = document.querySelector(selector);
  if (el && !el.disabled) el.click();
}

function focus(selector) {
  const el = document.querySelector(selector);
  if (el) el.focus();
}

function openOverlay() {
  const existing = document.getElementById('shortcuts');
  if (existing) return existing.close();
  const dialog = h(
    'dialog',
    { class: 'shortcuts', id: 'shortcuts', 'aria-labelledby': 'shortcuts-title' },
    h('div', { class: 'canned-manager__head' }, h('h2', { id: 'shortcuts-title' }, 'Keyboard shortcuts'), h('button', { class: 'btn btn--ghost', type: 'button', onclick: () => dialog.close() }, 'Close')),
    h('dl', { class: 'shortcuts__list' }, SHORTCUTS.map((s) => [h('dt', {}, s.keys.map((k) => h('kbd', {}, k))), h('dd', {}, s.label)])),
    h('p', { class: 'muted small' }, 'Shortcuts do nothing while you type in a box. In the composer, / lists the canned responses.'),
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.appendChild(dialog);
  dialog.showModal();
}
