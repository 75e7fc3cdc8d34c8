import { h, mount } from '../dom.js';
import { icon, initials, shortTime } from '../format.js';
import { request } from '../live.js';
import { on, publish, state } from '../state.js';

const STATUS_TEXT = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', offline: 'Offline' };
const KIND_TEXT = { 'needs-human': 'Needs human', 'at-risk': 'At risk', 'interview-completed': 'Interview done', 'new-candidate': 'New candidate', 'delivery-failed': 'Not delivered', assigned: 'Assigned to you' };

/** Top bar (navigation, connection status, notification centre, operator) around the views. */
export function renderShell(root, { onNavigate, onSignOut }) {
  const status = h('span', { class: 'status', id: 'connection-status', role: 'status', 'aria-live': 'polite' });
  const badge = h('span', { class: 'bell__badge', id: 'notification-badge', hidden: true });
  const panel = h('div', { class: 'notifications', id: 'notification-panel', hidden: true, role: 'dialog', 'aria-label': 'Notifications' });
  const bell = h('button', { class: 'icon-btn bell', id: 'notification-bell', type: 'button', 'aria-label': 'Notifications', 'aria-expanded': 'false', onclick: () => togglePanel() }, icon('bell', 20), badge);
  const navButton = (view, label, iconName) =>
    h('button', { class: 'nav__item', type: 'button', dataset: { view }, onclick: () => onNavigate(view) }, icon(iconName, 16), h('span', {}, label));
  const nav = h('nav', { class: 'nav', 'aria-label': 'Views' }, navButton('conversations', 'Conversations', 'chat'), navButton('funnel', 'Funnel', 'chart'), state.operator.role !== 'viewer' ? navButton('scheduling', 'Scheduling', 'calendar') : null, state.operator.role === 'admin' ? navButton('integrations', 'Integrations', 'send') : null, state.operator.role === 'admin' ? navButton('team', 'Team', 'team') : null);
  const op = state.operator;
  const main = h('div', { class: 'views', id: 'views' });
  const toasts = h('div', { class: 'toasts', 'aria-live': 'polite' });

  root.replaceChildren(
    h(
      'div',
      { class: 'app' },
      h(
        'header',
        { class: 'topbar' },
        h('div', { class: 'brand' }, h('span', { class: 'brand__mark' }, 'P'), h('span', { class: 'brand__name' }, 'Parley'), h('span', { class: 'brand__product' }, 'Console')),
        nav,
        h('div', { class: 'topbar__spacer' }),
        status,
        h('div', { class: 'bell-wrap' }, bell, panel),
        h(
          'div',
          { class: 'me' },
          h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(op.name)),
          h('span', { class: 'me__text' }, h('span', { class: 'me__name' }, op.name), h('span', { class: 'me__role' }, op.role)),
          h('button', { class: 'icon-btn', type: 'button', title: 'Sign out', 'aria-label': 'Sign out', onclick: onSignOut }, icon('logout', 18)),
        ),
      ),
      main,
      toasts,
    ),
  );

  function renderStatus() {
    status.className = 'status status--' + state.status;
    status.textContent = STATUS_TEXT[state.status] || state.status;
  }
  function renderBadge() {
    badge.textContent = state.unreadNotifications > 99 ? '99+' : String(state.unreadNotifications);
    badge.hidden = state.unreadNotifications === 0;
    if (!panel.hidden) renderPanel();
  }
  function togglePanel(force) {
    panel.hidden = force === undefined ? !panel.hidden : !force;
    bell.setAttribute('aria-expanded', String(!panel.hidden));
    if (!panel.hidden) renderPanel();
  }
  function renderPanel() {
    const items = state.notifications.slice(0, 50);
    mount(
      panel,
      h(
        'div',
        { class: 'notifications__head' },
        h('strong', {}, 'Notifications'),
        h('button', { class: 'link-btn', type: 'button', disabled: state.unreadNotifications === 0, onclick: () => void markRead({ all: true }) }, 'Mark all as read'),
      ),
      items.length === 0
        ? h('p', { class: 'empty' }, 'Nothing yet. Alerts about candidates appear here.')
        : h(
            'ul',
            { class: 'notifications__list' },
            items.map((n) =>
              h(
                'li',
                { class: 'notification' + (n.read ? '' : ' notification--unread') },
                h(
                  'button',
                  { type: 'button', class: 'notification__btn', onclick: () => open(n) },
                  h('span', { class: 'notification__top' }, h('span', { class: 'tag tag--' + n.kind }, KIND_TEXT[n.kind] || n.kind), h('time', { datetime: n.createdAt }, shortTime(n.createdAt))),
                  h('span', { class: 'notification__title' }, n.title),
                  h('span', { class: 'notification__body' }, n.body),
                ),
              ),
            ),
          ),
    );
  }
  async function markRead(payload) {
    const r = await request('notifications:read', payload);
    if (!r.ok) return;
    for (const n of state.notifications) if (payload.all || (payload.ids || []).includes(n.id)) n.read = true;
    state.unreadNotifications = r.data.unread;
    publish('notifications');
  }
  function open(n) {
    togglePanel(false);
    if (!n.read) void markRead({ ids: [n.id] });
    if (n.conversationId) onNavigate('conversations', n.conversationId);
  }

  // Escape closes the notification panel (and gives focus back to the bell).
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || panel.hidden) return;
    togglePanel(false);
    bell.focus();
  });
  document.addEventListener('click', (e) => {
    if (!panel.hidden && !panel.contains(e.target) && !bell.contains(e.target)) togglePanel(false);
  });
  on('status', renderStatus);
  on('notifications', renderBadge);
  on('view', () => {
    for (const b of nav.querySelectorAll('.nav__item')) b.classList.toggle('nav__item--active', b.dataset.view === state.view);
  });
  renderStatus();
  renderBadge();

  return {
    main,
    toast(text, kind = 'info', action) {
      const el = h('div', { class: 'toast toast--' + kind, role: kind === 'alert' ? 'alert' : 'status' }, h('span', {}, text), action ? h('button', { class: 'link-btn', type: 'button', onclick: () => (action.run(), el.remove()) }, action.label) : null);
      toasts.appendChild(el);
      setTimeout(() => el.remove(), 7000);
    },
  };
}
