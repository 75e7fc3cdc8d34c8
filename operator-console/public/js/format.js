import { h, svg } from './dom.js';

export const STAGE_LABELS = {
  new: 'New',
  intake: 'Intake',
  screening: 'Screening',
  interviewing: 'Interviewing',
  assessed: 'Assessed',
  scheduled: 'Scheduled',
  hired: 'Hired',
  rejected: 'Rejected',
  withdrawn: 'Withdrawn',
};

export const CHANNEL_LABELS = { webchat: 'Web chat', telegram: 'Telegram', whatsapp: 'WhatsApp', email: 'Email', teams: 'Teams' };

// 24x24 outline icons, drawn as paths.
const CHANNEL_PATHS = {
  webchat: ['M4 5h16v10H9l-5 4z'],
  telegram: ['M21 4 3 11l6 2 2 6 3-4 5 4z', 'M9 13l8-6'],
  whatsapp: ['M12 3a9 9 0 0 0-7.8 13.5L3 21l4.6-1.2A9 9 0 1 0 12 3z', 'M9 8c0 4 3 7 7 7l1-2-2-1-1 1c-1.5-.5-2.5-1.5-3-3l1-1-1-2z'],
  email: ['M3 6h18v12H3z', 'M3 6l9 7 9-7'],
  teams: ['M4 7h10v10H4z', 'M7 10h4', 'M9 10v5', 'M16 9a2 2 0 1 0 0-4 2 2 0 0 0 0 4z', 'M15 11h5v5a3 3 0 0 1-5 1'],
};

export function channelIcon(channel) {
  const label = CHANNEL_LABELS[channel] || channel;
  return h(
    'span',
    { class: 'channel channel--' + channel, title: label, 'aria-label': label, role: 'img' },
    svg('svg', { viewBox: '0 0 24 24', width: 16, height: 16, fill: 'none', stroke: 'currentColor', 'stroke-width': 1.8, 'stroke-linejoin': 'round', 'stroke-linecap': 'round', 'aria-hidden': 'true' }, ...(CHANNEL_PATHS[channel] || CHANNEL_PATHS.webchat).map((d) => svg('path', { d }))),
  );
}

export function icon(name, size = 18) {
  const paths = {
    bell: ['M6 16V11a6 6 0 1 1 12 0v5l2 2H4z', 'M10 20a2 2 0 0 0 4 0'],
    chat: ['M4 5h16v10H9l-5 4z'],
    chart: ['M4 20V10', 'M10 20V4', 'M16 20v-7', 'M22 20H2'],
    logout: ['M15 4h4v16h-4', 'M10 8l-4 4 4 4', 'M6 12h10'],
    refresh: ['M20 11a8 8 0 1 0-2.3 5.7', 'M20 5v6h-6'],
    search: ['M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14z', 'M21 21l-5-5'],
    mic: ['M12 3a3 3 0 0 0-3 3v5a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3z', 'M5 11a7 7 0 0 0 14 0', 'M12 18v3'],
    alert: ['M12 3 2 20h20z', 'M12 10v4', 'M12 17v.5'],
    send: ['M4 12 20 4l-6 16-3-7z'],
    calendar: ['M4 6h16v14H4z', 'M4 10h16', 'M8 3v4', 'M16 3v4'],
    team: ['M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6z', 'M3 20a6 6 0 0 1 12 0', 'M16 11a3 3 0 1 0 0-6', 'M21 20a6 6 0 0 0-4-5.7'],
  };
  return svg('svg', { viewBox: '0 0 24 24', width: size, height: size, fill: 'none', stroke: 'currentColor', 'stroke-width': 1.8, 'stroke-linejoin': 'round', 'stroke-linecap': 'round', 'aria-hidden': 'true', class: 'icon' }, ...(paths[name] || []).map((d) => svg('path', { d })));
}

export function riskBadge(risk) {
  if (!risk) return null;
  const level = ['low', 'medium', 'high'].includes(risk.level) ? risk.level : 'unknown';
  const text = risk.atRisk ? 'At risk' : level.charAt(0).toUpperCase() + level.slice(1) + ' risk';
  return h('span', { class: 'badge badge--risk-' + (risk.atRisk ? 'alert' : level), title: 'Risk score ' + risk.score + (risk.recommendedAction ? ' · ' + risk.recommendedAction : '') }, text);
}

export function stageBadge(stage) {
  return h('span', { class: 'badge badge--stage badge--stage-' + stage }, STAGE_LABELS[stage] || stage);
}

/** "just now", "5 min", "3 h", "Mon", "12 Mar". */
export function shortTime(iso) {
  if (!iso) return '';
  const t = Date.parse(iso);
  const diff = Date.now() - t;
  if (diff < 60_000) return 'now';
  if (diff < 3_600_000) return Math.floor(diff / 60_000) + ' min';
  if (diff < 86_400_000) return Math.floor(diff / 3_600_000) + ' h';
  const d = new Date(t);
  if (diff < 6 * 86_400_000) return d.toLocaleDateString(undefined, { weekday: 'short' });
  return d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}

export function clockTime(iso) {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

export function fullTime(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** 95 -> "1 min 35 s", 7200 -> "2 h". */
export function duration(sec) {
  if (sec === null || sec === undefined) return '—';
  if (sec < 60) return Math.round(sec) + ' s';
  if (sec < 3600) {
    const m = Math.floor(sec / 60);
    const s = Math.round(sec % 60);
    return m + ' min' + (s ? ' ' + s + ' s' : '');
  }
  if (sec < 86_400) {
    const hrs = Math.floor(sec / 3600);
    const m = Math.round((sec % 3600) / 60);
    return hrs + ' h' + (m ? ' ' + m + ' min' : '');
  }
  return (sec / 86_400).toFixed(1) + ' days';
}

export function percent(rate) {
  return rate === null || rate === undefined ? '—' : Math.round(rate * 1000) / 10 + '%';
}

export function initials(name) {
  const parts = String(name || '?').trim().split(/\s+/).slice(0, 2);
  return parts.map((p) => p.charAt(0).toUpperCase()).join('') || '?';
}

export function candidateLabel(s) {
  return s.candidateName || 'Candidate ' + s.candidateId.slice(-6);
}

export const STATUS_LABELS = { open: 'Open', pending: 'Pending', resolved: 'Resolved', snoozed: 'Snoozed' };

/** A badge for a status other than open ("Snoozed until Tue 09:00"); null for open. */
export function statusBadge(status, snoozedUntil) {
  if (!status || status === 'open') return null;
  const until = status === 'snoozed' && snoozedUntil ? ' until ' + new Date(snoozedUntil).toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' }) : '';
  return h('span', { class: 'badge badge--status badge--status-' + status, dataset: { status } }, STATUS_LABELS[status] + until);
}
