// System health in the console: a banner when background jobs are failing (scheduled jobs whose
// last run failed, BullMQ's failed turns or sends in cluster mode; GET /api/v1/system/jobs, the
// figures /health details carry), and on a phone a "More" menu in the top bar that holds the
// sound and desktop notification controls (the bar has no room for them below 760 px).
import { request } from '../api.js';
import { h, mount } from '../dom.js';

const CHECK_EVERY_MS = 60_000;

/** Install the failing-jobs banner and the phone menu around the shell rendered in `root`. */
export function installSystem(root) {
  installPhoneMenu(root);
  const banner = h('div', { class: 'system-banner', id: 'system-banner', role: 'alert', hidden: true });
  const topbar = root.querySelector('.topbar');
  if (topbar) topbar.after(banner);
  else root.prepend(banner);
  let dismissedTotal = 0;

  async function check() {
    let data;
    try {
      data = await request('/system/jobs');
    } catch {
      return; // offline or signed out: the connection status says so already
    }
    if (!data.total || data.total === dismissedTotal) {
      banner.hidden = true;
      if (!data.total) dismissedTotal = 0;
      return;
    }
    const names = data.failing.map((f) => (f.source === 'queue' ? f.count + ' failed ' + f.job : f.job) + (f.error ? ' (' + f.error + ')' : ''));
    mount(
      banner,
      h('strong', {}, data.total === 1 ? '1 background job is failing: ' : data.total + ' background jobs are failing: '),
      h('span', { class: 'system-banner__jobs' }, names.join('; ')),
      h('span', { class: 'muted' }, ' See /health for details.'),
      h('button', { class: 'link-btn', type: 'button', id: 'system-banner-dismiss', onclick: () => ((dismissedTotal = data.total), (banner.hidden = true)) }, 'Dismiss'),
    );
    banner.hidden = false;
  }
  void check();
  const timer = setInterval(() => void check(), CHECK_EVERY_MS);
  return { check, stop: () => clearInterval(timer) };
}

function installPhoneMenu(root) {
  const topbar = root.querySelector('.topbar');
  const settings = root.querySelector('.notify-settings');
  if (!topbar || !settings) return;
  settings.id = settings.id || 'notify-settings';
  const more = h('button', { class: 'icon-btn more-btn', id: 'topbar-more', type: 'button', 'aria-label': 'More: sound and desktop alerts', 'aria-expanded': 'false', 'aria-controls': settings.id, onclick: () => toggle() }, '⋯');
  settings.before(more);
  function toggle(force) {
    const open = force === undefined ? !topbar.classList.contains('topbar--more-open') : force;
    topbar.classList.toggle('topbar--more-open', open);
    more.setAttribute('aria-expanded', String(open));
  }
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && topbar.classList.contains('topbar--more-open')) {
      toggle(false);
      more.focus();
    }
  });
  document.addEventListener('click', (e) => {
    if (topbar.classList.contains('topbar--more-open') && !settings.contains(e.target) && !more.contains(e.target)) toggle(false);
  });
}
