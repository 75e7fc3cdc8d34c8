// Parley chat bubble. Add to any careers page:
//   <script src="https://parley.example.com/widget.js" async></script>
// It opens the web chat (/chat) in a panel; the conversation survives page loads.
(function () {
  'use strict';
  if (window.__parleyWidget) return;
  window.__parleyWidget = true;
  var script = document.currentScript;
  var origin = script ? new URL(script.src, location.href).origin : location.origin;
  var label = (script && script.getAttribute('data-label')) || 'Chat with us about jobs';

  var button = document.createElement('button');
  button.type = 'button';
  button.setAttribute('aria-label', label);
  button.title = label;
  button.textContent = '💬';
  button.style.cssText = 'position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;background:#3355ff;color:#fff;font-size:26px;cursor:pointer;box-shadow:0 6px 20px rgba(0,0,0,.25);z-index:2147483646';

  var panel = null;
  function open() {
    if (!panel) {
      panel = document.createElement('iframe');
      panel.src = origin + '/chat?embed=1';
      panel.title = 'Parley chat';
      panel.style.cssText = 'position:fixed;right:20px;bottom:88px;width:min(380px,calc(100vw - 40px));height:min(560px,calc(100vh - 120px));border:0;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.25);background:#fff;z-index:2147483647';
      document.body.appendChild(panel);
      return;
    }
    panel.hidden = !panel.hidden;
  }
  button.addEventListener('click', open);
  function mount() { document.body.appendChild(button); }
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
})();
