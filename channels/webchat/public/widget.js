// Parley chat widget. Add to any careers page (docs/webchat.md):
//   <script src="https://parley.example.com/widget.js" async
//           data-position="right" data-label="Chat with us about jobs" data-open="false" data-role="Python Developer"></script>
// data-position: right (default) or left. data-label: the launcher's accessible name.
// data-open: "true" opens the chat on load. data-role: the role the page is about (the greeting names it).
// The chat (/chat?embed=1) loads in a hidden iframe at once, so messages that arrive while it is
// closed show an unread badge and a preview. The conversation survives page loads.
(function () {
  'use strict';
  if (window.__parleyWidget) return;
  window.__parleyWidget = true;
  var script = document.currentScript;
  var attr = function (name) { return script ? script.getAttribute('data-' + name) : null; };
  var origin = script ? new URL(script.src, location.href).origin : location.origin;
  var label = attr('label') || 'Chat with us about jobs';
  var side = attr('position') === 'left' ? 'left' : 'right';
  var openOnLoad = /^(?:true|1|yes)$/i.test(attr('open') || '');
  var role = attr('role') || '';
  var company = 'us';

  var CSS = [
    ':host{all:initial}',
    '.launcher{position:fixed;bottom:20px;' + side + ':20px;width:56px;height:56px;border-radius:50%;border:0;background:var(--accent,#2f4ae0);color:var(--on-accent,#fff);cursor:pointer;box-shadow:0 6px 20px rgba(0,0,0,.25);display:grid;place-items:center;z-index:2147483646;padding:0}',
    '.launcher:focus-visible,.preview:focus-visible{outline:3px solid #ffb000;outline-offset:3px}',
    '.launcher svg{width:28px;height:28px}',
    '.badge{position:absolute;top:-4px;' + (side === 'left' ? 'left' : 'right') + ':-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#b3261e;color:#fff;font:700 12px/22px system-ui,sans-serif;text-align:center;box-shadow:0 0 0 2px #fff}',
    '.preview{position:fixed;bottom:88px;' + side + ':20px;max-width:min(300px,calc(100vw - 40px));background:#fff;color:#1d2330;border:0;border-radius:12px;padding:10px 14px;box-shadow:0 6px 24px rgba(0,0,0,.2);font:14px/1.4 system-ui,sans-serif;text-align:left;cursor:pointer;z-index:2147483646}',
    '.preview strong{display:block;font-size:12px;color:#5c6477;margin-bottom:2px}',
    '.panel{position:fixed;' + side + ':20px;bottom:88px;width:min(380px,calc(100vw - 40px));height:min(600px,calc(100vh - 120px));border-radius:14px;overflow:hidden;box-shadow:0 10px 40px rgba(0,0,0,.25);background:#fff;z-index:2147483647}',
    '.panel iframe{width:100%;height:100%;border:0;display:block}',
    '[hidden]{display:none!important}',
    '.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}',
    // Phones: the open chat takes the whole screen; its own header has the close button.
    '@media (max-width:600px){.panel{inset:0;width:100%;height:100%;border-radius:0}.panel:not([hidden])~.launcher{display:none}}',
    '@media (prefers-reduced-motion:no-preference){.panel{animation:pop .18s ease-out}.launcher{transition:transform .15s}.launcher:hover{transform:scale(1.06)}}',
    '@keyframes pop{from{opacity:0;transform:translateY(8px)}to{opacity:1;transform:none}}',
  ].join('\n');

  var ICON_CHAT = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-4.6 3.7A.9.9 0 0 1 3 21V6a2 2 0 0 1 1-2zm3 6a1.3 1.3 0 1 0 0 2.6A1.3 1.3 0 0 0 7 10zm5 0a1.3 1.3 0 1 0 0 2.6 1.3 1.3 0 0 0 0-2.6zm5 0a1.3 1.3 0 1 0 0 2.6 1.3 1.3 0 0 0 0-2.6z"/></svg>';
  var ICON_CLOSE = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" fill="none"/></svg>';

  var host = document.createElement('div');
  host.id = 'parley-widget';
  var root = host.attachShadow({ mode: 'open' });
  try {
    var sheet = new window.CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet]; // not subject to the page's style-src
  } catch {
    var style = document.createElement('style');
    style.textContent = CSS;
    root.appendChild(style);
  }

  var panel = document.createElement('div');
  panel.className = 'panel';
  panel.id = 'parley-panel';
  panel.hidden = true;
  var frame = document.createElement('iframe');
  frame.title = 'Parley chat';
  frame.allow = 'microphone';
  frame.src = origin + '/chat?embed=1' + (role ? '&role=' + encodeURIComponent(role) : '');
  panel.appendChild(frame);

  var preview = document.createElement('button');
  preview.type = 'button';
  preview.className = 'preview';
  preview.hidden = true;

  var button = document.createElement('button');
  button.type = 'button';
  button.className = 'launcher';
  button.setAttribute('aria-controls', 'parley-panel');
  button.setAttribute('aria-expanded', 'false');
  var badge = document.createElement('span');
  badge.className = 'badge';
  badge.hidden = true;
  badge.setAttribute('aria-hidden', 'true');

  var live = document.createElement('div');
  live.className = 'sr';
  live.setAttribute('aria-live', 'polite');

  root.append(panel, preview, button, live);

  var isOpen = false;
  var unread = 0;

  function paint() {
    button.innerHTML = isOpen ? ICON_CLOSE : ICON_CHAT;
    button.appendChild(badge);
    badge.hidden = isOpen || unread === 0;
    badge.textContent = unread === 0 ? '' : unread > 9 ? '9+' : String(unread);
    var name = isOpen ? 'Minimise chat' : label + (unread ? ' (' + unread + ' unread ' + (unread === 1 ? 'message' : 'messages') + ')' : '');
    button.setAttribute('aria-label', name);
    button.title = name;
    button.setAttribute('aria-expanded', String(isOpen));
    if (isOpen) preview.hidden = true;
  }

  function tell(msg) {
    if (frame.contentWindow) frame.contentWindow.postMessage(Object.assign({ parley: true }, msg), origin);
  }

  function open() {
    isOpen = true;
    unread = 0;
    panel.hidden = false;
    paint();
    frame.focus();
    tell({ type: 'shown', open: true });
  }

  function close(focusLauncher) {
    isOpen = false;
    panel.hidden = true;
    paint();
    tell({ type: 'shown', open: false });
    if (focusLauncher) button.focus();
  }

  button.addEventListener('click', function () { if (isOpen) close(true); else open(); });
  preview.addEventListener('click', open);
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape' && isOpen) close(true); });

  window.addEventListener('message', function (e) {
    if (e.source !== frame.contentWindow || e.origin !== origin || !e.data || e.data.parley !== true) return;
    var d = e.data;
    if (d.type === 'ready') tell({ type: 'shown', open: isOpen });
    else if (d.type === 'branding') {
      company = String(d.companyName || company);
      frame.title = 'Chat with ' + company;
      if (/^#[0-9a-f]{3,6}$/i.test(d.accentColor || '')) host.style.setProperty('--accent', d.accentColor);
      if (/^#[0-9a-f]{6}$/i.test(d.onAccent || '')) host.style.setProperty('--on-accent', d.onAccent);
    } else if (d.type === 'close' || d.type === 'minimise') close(true);
    else if (d.type === 'message' && !isOpen) {
      unread += 1;
      preview.textContent = '';
      var who = document.createElement('strong');
      who.textContent = String(d.name || company);
      preview.append(who, String(d.preview || ''));
      preview.hidden = false;
      live.textContent = 'New message from ' + String(d.name || company);
      paint();
    }
  });

  paint();
  function mount() {
    document.body.appendChild(host);
    if (openOnLoad) open();
  }
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
})();
