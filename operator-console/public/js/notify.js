// Getting an operator's attention: a sound (toggle, remembered in this browser), desktop
// notifications (permission asked on a click, as browsers require), and the unread count in the
// tab title and as a badge on the favicon. Every text names the candidate.
import { h } from './dom.js';
import { candidateLabel, icon } from './format.js';
import { on, state } from './state.js';

const SOUND_KEY = 'parley.console.sound';
const TITLE_PREFIX = /^\(\d+\+?\) /;
let installed = false;
const announced = new Set();

/** The sound and desktop notification buttons for the top bar; starts listening (once per page). */
export function notificationControls({ onOpen }) {
  const sound = h('button', { class: 'btn btn--ghost btn--small', type: 'button', id: 'notify-sound', 'aria-pressed': String(soundOn()), title: 'Play a sound for new messages and alerts', onclick: () => setSound(!soundOn()) }, 'Sound');
  const desktop = h('button', { class: 'btn btn--ghost btn--small', type: 'button', id: 'notify-desktop', onclick: () => void askDesktop() });
  function renderDesktop() {
    const p = 'Notification' in window ? Notification.permission : 'unsupported';
    desktop.dataset.permission = p;
    desktop.setAttribute('aria-pressed', String(p === 'granted'));
    desktop.textContent = p === 'granted' ? 'Desktop alerts on' : p === 'denied' ? 'Desktop alerts blocked' : p === 'unsupported' ? 'No desktop alerts' : 'Desktop alerts';
    desktop.disabled = p !== 'default';
    desktop.title = p === 'denied' ? 'Allow notifications for this site in the browser settings' : 'Show alerts on the desktop';
  }
  function setSound(value) {
    localStorage.setItem(SOUND_KEY, value ? 'on' : 'off');
    sound.setAttribute('aria-pressed', String(value));
    if (value) beep();
  }
  async function askDesktop() {
    if ('Notification' in window && Notification.permission !== 'denied') await Notification.requestPermission();
    renderDesktop();
  }
  renderDesktop();
  if (!installed) listen(onOpen);
  installed = true;
  return h('div', { class: 'notify-settings', role: 'group', 'aria-label': 'Notification settings' }, icon('bell', 14), sound, desktop);
}

function soundOn() {
  return localStorage.getItem(SOUND_KEY) === 'on';
}

function listen(onOpen) {
  on('live:notification', (n) => {
    if (n.read || announced.has(n.id)) return;
    announced.add(n.id);
    alertOperator(n.title, n.body, n.conversationId, onOpen);
  });
  on('live:message', (m) => {
    if (m.direction !== 'in' || m.author !== 'candidate' || announced.has(m.id)) return;
    announced.add(m.id);
    // The conversation in front of the operator needs no alert.
    if (m.conversationId === state.selectedId && document.visibilityState === 'visible') return;
    const s = state.conversations.get(m.conversationId);
    alertOperator((s ? candidateLabel(s) : 'A candidate') + ' wrote', m.text || 'Voice note', m.conversationId, onOpen);
  });
  // Browsers start audio only after a gesture: a page reloaded with the sound on gets its chime ready on the first click or key.
  for (const type of ['pointerdown', 'keydown']) document.addEventListener(type, unlockAudio, { once: true, capture: true });
  on('conversations', renderUnread);
  new window.MutationObserver(renderUnread).observe(document.querySelector('title'), { childList: true, characterData: true, subtree: true });
  renderUnread();
}

function alertOperator(title, body, conversationId, onOpen) {
  if (soundOn()) beep();
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  const n = new Notification(title, { body: body.slice(0, 200), tag: conversationId || title });
  n.onclick = () => {
    window.focus();
    if (conversationId) onOpen(conversationId);
    n.close();
  };
}

let audio = null;
function unlockAudio() {
  if (!soundOn()) return;
  try {
    audio = audio || new window.AudioContext();
    void audio.resume();
  } catch {
    // No audio output: the visual alerts remain.
  }
}
/** A short two-tone chime, synthesised (no audio file to fetch). */
function beep() {
  try {
    audio = audio || new window.AudioContext();
    if (audio.state === 'suspended') void audio.resume();
    const at = audio.currentTime;
    for (const [i, freq] of [880, 1320].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, at + i * 0.12);
      gain.gain.exponentialRampToValueAtTime(0.15, at + i * 0.12 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + i * 0.12 + 0.2);
      osc.connect(gain).connect(audio.destination);
      osc.start(at + i * 0.12);
      osc.stop(at + i * 0.12 + 0.22);
    }
  } catch {
    // No audio output (or not allowed yet): the visual alerts remain.
  }
}

let lastCount = -1;
/** "(3) Marta Nowak · Parley console" and a red badge on the favicon: unread candidate messages. */
function renderUnread() {
  let unread = 0;
  for (const s of state.conversations.values()) unread += s.unread || 0;
  const label = unread > 99 ? '99+' : String(unread);
  const base = document.title.replace(TITLE_PREFIX, '');
  const title = unread ? '(' + label + ') ' + base : base;
  if (document.title !== title) document.title = title;
  if (unread === lastCount) return;
  lastCount = unread;
  setFavicon(unread ? label : '');
}

function setFavicon(label) {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 32;
  const g = canvas.getContext('2d');
  if (!g) return;
  g.fillStyle = '#4f46e5';
  g.beginPath();
  g.roundRect(0, 0, 32, 32, 7);
  g.fill();
  g.fillStyle = '#fff';
  g.font = 'bold 20px sans-serif';
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.fillText('P', label ? 12 : 16, 17);
  if (label) {
    g.fillStyle = '#dc2626';
    g.beginPath();
    g.arc(22, 10, 10, 0, Math.PI * 2);
    g.fill();
    g.fillStyle = '#fff';
    g.font = 'bold ' + (label.length > 1 ? 11 : 14) + 'px sans-serif';
    g.fillText(label, 22, 11);
  }
  let link = document.querySelector('link[rel="icon"]');
  if (!link) link = document.head.appendChild(h('link', { rel: 'icon' }));
  link.setAttribute('href', canvas.toDataURL('image/png'));
  link.dataset.unread = label || '0';
}
