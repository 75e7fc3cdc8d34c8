import { request as api } from '../api.js';
import { h, mount, svg } from '../dom.js';
import { duration, icon, percent, STAGE_LABELS } from '../format.js';
import { funnelFilters, interventionsTable } from './funnel-filters.js';

const PATH = ['new', 'intake', 'screening', 'interviewing', 'assessed', 'scheduled', 'hired'];
const RISK_COLORS = { high: '#dc2626', medium: '#d97706', low: '#16a34a', none: '#cbd5e1' };

/** The funnel dashboard (GET /api/v1/analytics/funnel) with inline SVG and CSS charts. */
export function renderFunnel(container) {
  const body = h('div', { class: 'dash__body' });
  const refresh = h('button', { class: 'btn btn--ghost', type: 'button', onclick: () => void load() }, icon('refresh', 16), h('span', {}, 'Refresh'));
  const stamp = h('span', { class: 'muted' });
  const filters = funnelFilters(() => void load());
  mount(container, h('div', { class: 'dash' }, h('div', { class: 'dash__head' }, h('h2', { class: 'pane-title' }, 'Recruiting funnel'), stamp, refresh), filters.el, body));

  async function load() {
    refresh.disabled = true;
    try {
      const report = await api('/analytics/funnel' + filters.query());
      filters.setRoles(report.roles || []);
      stamp.textContent = 'Updated ' + new Date(report.generatedAt).toLocaleTimeString();
      mount(body, ...dashboard(report));
    } catch (err) {
      mount(body, h('p', { class: 'form-error' }, err.message));
    } finally {
      refresh.disabled = false;
    }
  }
  void load();
  return { load };
}

function dashboard(r) {
  const stage = (s) => r.stages.find((x) => x.stage === s) || { current: 0, reached: 0, droppedOut: 0 };
  const hired = stage('hired').reached;
  const open = r.stages.filter((s) => !['hired', 'rejected', 'withdrawn'].includes(s.stage)).reduce((a, s) => a + s.current, 0);
  return [
    h(
      'div',
      { class: 'kpis' },
      kpi('Candidates', String(r.totalCandidates), open + ' in progress'),
      kpi('Hired', String(hired), r.totalCandidates ? percent(hired / r.totalCandidates) + ' of all candidates' : '—'),
      kpi('Dropped out', String(stage('withdrawn').current), stage('rejected').current + ' rejected'),
      kpi('Operator first response', duration(r.operatorFirstResponse.medianSec), r.operatorFirstResponse.samples + ' answered · ' + r.operatorFirstResponse.waiting + ' waiting'),
    ),
    h('div', { class: 'cards' }, card('Funnel: candidates who reached each stage', funnelChart(r)), card('Where candidates are now', currentBars(r))),
    h('div', { class: 'cards' }, card('Conversion and drop-off', conversionTable(r)), card('Risk of dropping out', riskChart(r.risk))),
    h('div', { class: 'cards' }, card('Median time in stage', timeBars(r)), card('Intervention success: did the at-risk candidate write again within 48 h?', interventionsTable(r))),
  ];
}

function kpi(label, value, sub) {
  return h('div', { class: 'kpi' }, h('span', { class: 'kpi__label' }, label), h('span', { class: 'kpi__value' }, value), h('span', { class: 'kpi__sub' }, sub));
}

function card(title, content) {
  return h('section', { class: 'card' }, h('h3', { class: 'card__title' }, title), content);
}

/** A horizontal funnel as SVG: one bar per path stage, width proportional to `reached`. */
function funnelChart(r) {
  const rows = PATH.map((s) => r.stages.find((x) => x.stage === s)).filter(Boolean);
  const max = Math.max(1, ...rows.map((s) => s.reached));
  const W = 520;
  const BAR = 26;
  const GAP = 10;
  const LABEL = 110;
  const height = rows.length * (BAR + GAP);
  return svg(
    'svg',
    { viewBox: '0 0 ' + W + ' ' + height, class: 'chart', role: 'img', 'aria-label': 'Candidates who reached each stage' },
    rows.map((s, i) => {
      const y = i * (BAR + GAP);
      const width = Math.max(2, ((W - LABEL - 60) * s.reached) / max);
      return svg(
        'g',
        {},
        svg('text', { x: 0, y: y + BAR * 0.68, class: 'chart__label' }, STAGE_LABELS[s.stage]),
        svg('rect', { x: LABEL, y, width, height: BAR, rx: 5, class: 'chart__bar chart__bar--' + i }),
        svg('text', { x: LABEL + width + 8, y: y + BAR * 0.68, class: 'chart__value' }, String(s.reached)),
      );
    }),
  );
}

function currentBars(r) {
  const max = Math.max(1, ...r.stages.map((s) => s.current));
  return h(
    'ul',
    { class: 'bars' },
    r.stages.map((s) => h('li', { class: 'bars__row' }, h('span', { class: 'bars__label' }, STAGE_LABELS[s.stage]), h('span', { class: 'bars__track' }, h('span', { class: 'bars__fill bars__fill--' + s.stage, style: { width: (100 * s.current) / max + '%' } })), h('span', { class: 'bars__value' }, String(s.current)))),
  );
}

function conversionTable(r) {
  return h(
    'table',
    { class: 'table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Step'), h('th', {}, 'Conversion'), h('th', {}, 'Dropped out'))),
    h(
      'tbody',
      {},
      r.conversion.map((c) => {
        const from = r.stages.find((s) => s.stage === c.from);
        return h(
          'tr',
          {},
          h('td', {}, STAGE_LABELS[c.from] + ' → ' + STAGE_LABELS[c.to]),
          h('td', {}, h('span', { class: 'meter' }, h('span', { class: 'meter__fill', style: { width: (c.rate === null ? 0 : c.rate * 100) + '%' } })), ' ', percent(c.rate), h('span', { class: 'muted' }, ' (' + c.reachedTo + '/' + c.reachedFrom + ')')),
          h('td', {}, from ? from.droppedOut + ' · ' + percent(from.dropOffRate) : '—'),
        );
      }),
    ),
  );
}

/** Risk distribution: a donut (SVG arcs via stroke-dasharray) and a legend. */
function riskChart(risk) {
  const entries = ['high', 'medium', 'low', 'none'].map((k) => [k, risk[k] || 0]);
  const total = entries.reduce((a, [, n]) => a + n, 0);
  const R = 15.9155; // circumference 100
  let offset = 25;
  const arcs = total
    ? entries.filter(([, n]) => n > 0).map(([k, n]) => {
        const share = (100 * n) / total;
        const arc = svg('circle', { cx: 21, cy: 21, r: R, fill: 'none', stroke: RISK_COLORS[k], 'stroke-width': 6, 'stroke-dasharray': share + ' ' + (100 - share), 'stroke-dashoffset': offset });
        offset -= share;
        return arc;
      })
    : [svg('circle', { cx: 21, cy: 21, r: R, fill: 'none', stroke: RISK_COLORS.none, 'stroke-width': 6 })];
  return h(
    'div',
    { class: 'donut' },
    svg('svg', { viewBox: '0 0 42 42', width: 150, height: 150, role: 'img', 'aria-label': 'Risk distribution' }, arcs, svg('text', { x: 21, y: 23.5, 'text-anchor': 'middle', class: 'donut__total' }, String(total))),
    h('ul', { class: 'legend' }, entries.map(([k, n]) => h('li', {}, h('span', { class: 'legend__swatch', style: { background: RISK_COLORS[k] } }), h('span', {}, k === 'none' ? 'Not assessed' : k.charAt(0).toUpperCase() + k.slice(1)), h('strong', {}, String(n))))),
  );
}

function timeBars(r) {
  const rows = r.stages.filter((s) => s.medianTimeInStageSec !== null);
  if (rows.length === 0) return h('p', { class: 'muted' }, 'No candidate has moved between stages yet.');
  const max = Math.max(...rows.map((s) => s.medianTimeInStageSec));
  return h(
    'ul',
    { class: 'bars' },
    rows.map((s) => h('li', { class: 'bars__row' }, h('span', { class: 'bars__label' }, STAGE_LABELS[s.stage]), h('span', { class: 'bars__track' }, h('span', { class: 'bars__fill bars__fill--time', style: { width: (100 * s.medianTimeInStageSec) / max + '%' } })), h('span', { class: 'bars__value' }, duration(s.medianTimeInStageSec) + ' · ' + s.timeSamples))),
  );
}
