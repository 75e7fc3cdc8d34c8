// Parley operator console. Plain ES modules, no build step. Shapes follow operator-console/contract.ts.
import { currentSession, logout, onSessionExpired, request } from './api.js';
import { h } from './dom.js';
import { candidateLabel } from './format.js';
import { connect, disconnect } from './live.js';
import { notificationControls } from './notify.js';
import { installShortcuts } from './shortcuts.js';
import { on, publish, state, upsertConversation } from './state.js';
import { renderConversation } from './views/conversation.js';
import { renderDetails } from './views/details.js';
import { renderFunnel } from './views/funnel.js';
import { renderIntegrations } from './views/integrations.js';
import { loadInboxState } from './views/inbox-tools.js';
import { renderList } from './views/list.js';
import { renderLogin } from './views/login.js';
import { renderPairing } from './views/pairing.js';
import { renderScheduling } from './views/scheduling.js';
import { renderShell } from './views/shell.js';
import { installSystem } from './views/system.js';
import { renderTeam } from './views/team.js';

const root = document.getElementById('app');
root.classList.remove('boot');
root.removeAttribute('aria-busy');
let shell = null;
let conversationView = null;
let funnelView = null;
let integrationsView = null;
let teamView = null;
let schedulingView = null;
let stopPairing = null;
const panes = {};
let offDrawer = null;

function showLogin(message) {
  disconnect();
  if (stopPairing) stopPairing();
  stopPairing = null;
  shell = null;
  state.operator = null;
  renderLogin(root, { message, onSignedIn: start });
}

async function start(session) {
  state.operator = session.operator;
  shell = renderShell(root, { onNavigate: navigate, onSignOut: signOut });
  root.querySelector('.topbar__spacer')?.after(notificationControls({ onOpen: (id) => navigate('conversations', id) }));
  installSystem(root);
  panes.list = h('aside', { class: 'pane pane--list' });
  panes.thread = h('section', { class: 'pane pane--thread' });
  panes.details = h('aside', { class: 'pane pane--details', hidden: true });
  panes.conversations = h('div', { class: 'workspace', id: 'workspace' }, panes.list, panes.thread, panes.details);
  panes.funnel = h('div', { class: 'workspace workspace--dash', id: 'dashboard', hidden: true });
  panes.integrations = h('div', { class: 'workspace workspace--dash', id: 'integrations', hidden: true });
  panes.team = h('div', { class: 'workspace workspace--dash', id: 'team-view', hidden: true });
  integrationsView = null;
  panes.scheduling = h('div', { class: 'workspace workspace--dash', id: 'scheduling-view', hidden: true });
  teamView = null;
  schedulingView = null;
  shell.main.replaceChildren(panes.conversations, panes.funnel, panes.integrations, panes.team, panes.scheduling);

  connect(session.token, {
    onNotification: (n) => shell && shell.toast(n.title, n.kind === 'needs-human' || n.kind === 'at-risk' ? 'alert' : 'info', n.conversationId ? { label: 'Open', run: () => navigate('conversations', n.conversationId) } : undefined),
    onAtRisk: () => undefined,
    onReload: () => void loadAll(),
    // Every connect ends with a catch-up (`sync`): then re-watch the open conversation.
    onCaughtUp: () => conversationView && void conversationView.refresh(),
  });
  conversationView = renderConversation(panes.thread, { toast: (t, k) => shell && shell.toast(t, k) });
  // Under 1100 px the details panel is a drawer: toggled from the conversation header, closed by Escape.
  offDrawer?.();
  offDrawer = on('details-drawer', (open) => panes.details.classList.toggle('pane--drawer-open', open ?? !panes.details.classList.contains('pane--drawer-open')));
  renderList(panes.list, { onSelect: (id) => navigate('conversations', id), toast: (t, k) => shell && shell.toast(t, k) });
  renderDetails(panes.details);
  stopPairing = renderPairing(root);
  await loadAll();
  route();
}

async function loadAll() {
  try {
    const [list, notifications, canned, operators] = await Promise.all([request('/conversations'), request('/notifications'), request('/canned-responses'), request('/operators')]);
    list.conversations.forEach(upsertConversation);
    state.notifications = notifications.notifications;
    state.unreadNotifications = notifications.unread;
    state.canned = canned.cannedResponses;
    state.operators = new Map(operators.operators.map((o) => [o.id, o]));
    await loadInboxState();
    publish('notifications');
    publish('conversations');
  } catch (err) {
    if (shell) shell.toast(err.message, 'error');
  }
}

function navigate(view, conversationId) {
  const hash = view === 'funnel' || view === 'integrations' || view === 'team' || view === 'scheduling' ? '#/' + view : conversationId ? '#/conversations/' + encodeURIComponent(conversationId) : '#/conversations';
  if (location.hash !== hash) location.hash = hash;
  else route();
}

function route() {
  if (!shell) return;
  const match = location.hash.match(/^#\/(funnel|integrations|team|scheduling|conversations)(?:\/([^/]+))?$/);
  const view = match ? match[1] : 'conversations';
  state.view = view;
  panes.conversations.hidden = view !== 'conversations';
  panes.funnel.hidden = view !== 'funnel';
  panes.integrations.hidden = view !== 'integrations';
  panes.team.hidden = view !== 'team';
  panes.scheduling.hidden = view !== 'scheduling';
  publish('view', view);
  if (view === 'funnel') {
    if (!funnelView) funnelView = renderFunnel(panes.funnel);
    else void funnelView.load();
    document.title = 'Funnel · Parley console';
    return;
  }
  if (view === 'integrations') {
    if (!integrationsView) integrationsView = renderIntegrations(panes.integrations);
    else void integrationsView.load();
    document.title = 'Integrations · Parley console';
    return;
  }
  if (view === 'team') {
    if (!teamView) teamView = renderTeam(panes.team, { toast: (t, k) => shell && shell.toast(t, k) });
    else void teamView.load();
    document.title = 'Team · Parley console';
    return;
  }
  if (view === 'scheduling') {
    if (!schedulingView) schedulingView = renderScheduling(panes.scheduling, { toast: (t, k) => shell && shell.toast(t, k) });
    else void schedulingView.load();
    document.title = 'Scheduling · Parley console';
    return;
  }
  const id = match && match[2] ? decodeURIComponent(match[2]) : null;
  // On a phone the list and the conversation take turns (CSS): a conversation link shows the conversation.
  panes.conversations.classList.toggle('workspace--selected', Boolean(id));
  if (!id) panes.details.classList.remove('pane--drawer-open');
  if (id && id !== state.selectedId) void conversationView.open(id);
  panes.details.hidden = !state.selectedId;
  const s = state.selectedId && state.conversations.get(state.selectedId);
  document.title = (s ? candidateLabel(s) + ' · ' : '') + 'Parley console';
}

function signOut() {
  // Close the socket first: the server's own close (session ended) must not re-render the login.
  disconnect();
  void logout();
  location.hash = '';
  showLogin();
}

window.addEventListener('hashchange', route);
installShortcuts({ open: (id) => navigate('conversations', id) });
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && panes.details && panes.details.classList.contains('pane--drawer-open')) publish('details-drawer', false);
});
onSessionExpired((message) => showLogin(message || 'Your session has expired: sign in again.'));

const session = currentSession();
if (session) void start(session);
else showLogin();
