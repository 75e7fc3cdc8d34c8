import { h } from '../dom.js';

// The interview snapshot (`conversation.state.interview`) is owned by the interview feature and
// may change shape: everything here is read defensively, and what is missing is simply not shown.

const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v) => (typeof v === 'string' && v ? v : undefined);
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const LEVEL_ORDER = ['warmup', 'fundamental', 'intermediate', 'advanced', 'expert'];

function pct(v) {
  const n = num(v);
  if (n === undefined) return undefined;
  return n <= 1 ? Math.round(n * 100) + '%' : String(Math.round(n));
}

function kv(label, value) {
  return value === undefined || value === null || value === '' ? null : h('div', { class: 'kv' }, h('dt', {}, label), h('dd', {}, String(value)));
}

/** An answer's score: composite, else accuracy (0..1). */
function scoreOf(a) {
  const e = isObj(a.evaluation) ? a.evaluation : a;
  return num(e.composite) ?? num(e.accuracy) ?? num(e.technicalAccuracy) ?? num(e.score);
}

function highestLevel(levels) {
  const known = (Array.isArray(levels) ? levels : [levels]).filter((l) => typeof l === 'string');
  return known.sort((a, b) => LEVEL_ORDER.indexOf(a) - LEVEL_ORDER.indexOf(b)).at(-1);
}

/** Names from an array of strings or objects, or the keys of a map. */
function namesOf(source) {
  if (Array.isArray(source)) return source.map((s) => (typeof s === 'string' ? s : isObj(s) ? str(s.id) || str(s.name) || str(s.skill) : undefined)).filter(Boolean);
  return isObj(source) ? Object.keys(source) : [];
}

function boundaryOf(value) {
  if (typeof value === 'string') return value;
  if (isObj(value)) return str(value.level) || str(value.ceiling) || str(value.reason) || 'reached';
  return value ? 'reached' : undefined;
}

/** One row per skill: highest level explored, boundary found, average score, the current one. */
function skillRows(iv, answers) {
  const explored = isObj(iv.explored) ? iv.explored : {};
  const boundaries = isObj(iv.boundaries) ? iv.boundaries : {};
  const names = [...new Set([...namesOf(iv.skills), ...namesOf(explored), ...namesOf(boundaries)])];
  return names.map((name) => {
    const scores = answers.filter((a) => a.skill === name).map(scoreOf).filter((x) => x !== undefined);
    return {
      name,
      level: highestLevel(explored[name]),
      boundary: boundaryOf(boundaries[name]),
      score: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : undefined,
      current: iv.currentSkill === name,
    };
  });
}

function answersOf(iv) {
  const list = Array.isArray(iv.answers) ? iv.answers : Array.isArray(iv.evaluations) ? iv.evaluations : [];
  return list.filter(isObj);
}

/** The interview panel: level, skills with boundaries, scores so far, and the assessment. */
export function interviewPanel(detail) {
  const iv = isObj(detail.state.interview) ? detail.state.interview : null;
  const assessment = isObj(detail.state.assessment) ? detail.state.assessment : null;
  const intake = isObj(detail.state.intake) ? detail.state.intake : null;
  if (!iv && !assessment) {
    return h('div', { class: 'panel-empty' }, h('p', {}, 'No technical interview yet.'), intake ? h('p', { class: 'muted' }, 'Intake step: ' + (str(intake.step) || 'unknown')) : h('p', { class: 'muted' }, 'It starts once intake is done.'));
  }
  const parts = [];
  if (iv) {
    const answers = answersOf(iv);
    const scores = answers.map(scoreOf).filter((x) => x !== undefined);
    const pending = isObj(iv.pending) ? iv.pending : null;
    parts.push(
      h(
        'dl',
        { class: 'kvs' },
        kv('Status', str(iv.status)),
        kv('Role', str(iv.role)),
        kv('Level', str(iv.level) || str(iv.currentLevel)),
        kv('Questions asked', Array.isArray(iv.askedQuestionIds) ? iv.askedQuestionIds.length : undefined),
        kv('Average score', scores.length ? pct(scores.reduce((a, b) => a + b, 0) / scores.length) : undefined),
        kv('Waiting for', pending ? [str(pending.skill), str(pending.level)].filter(Boolean).join(' · ') || 'an answer' : undefined),
      ),
    );
    const skills = skillRows(iv, answers);
    if (skills.length) {
      parts.push(h('h4', {}, 'Skills'));
      parts.push(
        h(
          'ul',
          { class: 'skills' },
          skills.map((s) =>
            h(
              'li',
              { class: 'skill' + (s.current ? ' skill--current' : '') },
              h('span', { class: 'skill__name' }, s.name, s.current ? h('span', { class: 'muted' }, ' · now') : null),
              s.level ? h('span', { class: 'badge', title: 'Highest level explored' }, s.level) : h('span', { class: 'muted' }, 'not yet'),
              s.boundary ? h('span', { class: 'badge badge--boundary', title: 'Skill boundary found' }, 'boundary: ' + s.boundary) : null,
              pct(s.score) ? h('span', { class: 'skill__score' }, pct(s.score)) : null,
            ),
          ),
        ),
      );
    }
    if (answers.length) {
      parts.push(h('h4', {}, 'Scores so far'));
      parts.push(
        h(
          'ol',
          { class: 'answers' },
          answers.slice(-12).map((a, i) =>
            h(
              'li',
              {},
              h('span', { class: 'skill__name' }, str(a.skill) || str(a.questionId) || 'Answer ' + (i + 1), str(a.level) ? h('span', { class: 'muted' }, ' · ' + a.level) : null),
              a.unparseable ? h('span', { class: 'badge badge--q-poor' }, 'not understood') : null,
              str(a.quality) ? h('span', { class: 'badge badge--q-' + a.quality }, a.quality) : null,
              pct(scoreOf(a)) ? h('span', { class: 'skill__score' }, pct(scoreOf(a))) : null,
            ),
          ),
        ),
      );
    }
  }
  if (assessment) {
    parts.push(h('h4', {}, 'Assessment'));
    parts.push(h('dl', { class: 'kvs' }, kv('Overall score', num(assessment.overallScore) !== undefined ? assessment.overallScore + '/100' : undefined), kv('Recommendation', str(assessment.recommendation)), kv('Summary', str(assessment.summary))));
  }
  return h('div', { class: 'interview' }, parts);
}
