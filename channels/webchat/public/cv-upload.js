// CV upload for the chat page and the widget (which embeds this page): a paperclip button in the
// composer posts a PDF or DOCX to /chat/cv with the session secret chat.js keeps. The server sniffs
// the bytes, so the file picker's filter is a convenience, not a check. The bot's answer arrives on
// the socket like any reply.
(function () {
  'use strict';
  var STORAGE_KEY = 'parley.webchat.sessionId';
  var MAX_BYTES = 5 * 1024 * 1024;
  var form = document.getElementById('composer');
  var log = document.getElementById('log');
  var error = document.getElementById('error');
  if (!form || !log) return;

  var input = document.createElement('input');
  input.type = 'file';
  input.id = 'cv-file';
  input.accept = '.pdf,.docx,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document';
  input.hidden = true;
  var button = document.createElement('button');
  button.type = 'button';
  button.id = 'cv-attach';
  button.className = 'attach-btn';
  button.setAttribute('aria-label', 'Send your CV (PDF or Word)');
  button.title = 'Send your CV (PDF or Word)';
  // Inline SVG paperclip: no emoji font needed.
  button.innerHTML = '<svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" d="M21 11.5l-8.5 8.5a5 5 0 0 1-7-7L14 4.5a3.5 3.5 0 0 1 5 5L10.5 18a2 2 0 0 1-3-3L15 7.5"/></svg>';
  button.addEventListener('click', function () { input.click(); });
  input.addEventListener('change', function () {
    var file = input.files && input.files[0];
    input.value = '';
    if (file) upload(file);
  });
  form.insertBefore(button, form.firstChild);
  form.appendChild(input);

  function session() {
    try { return localStorage.getItem(STORAGE_KEY); } catch { return null; }
  }

  function showError(text) {
    if (!error) return;
    error.textContent = text;
    error.hidden = false;
  }

  function note(text, cls) {
    var li = document.createElement('li');
    li.className = 'msg msg--candidate ' + (cls || '');
    var body = document.createElement('span');
    body.className = 'msg__text';
    body.textContent = text;
    li.appendChild(body);
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
    return li;
  }

  function upload(file) {
    var secret = session();
    if (!secret) return showError('Say hello first, then send your CV.');
    if (file.size > MAX_BYTES) return showError('That file is larger than 5 MB. Please send a smaller PDF or DOCX.');
    var line = note('Sending your CV: ' + file.name + '…', 'msg--uploading');
    button.disabled = true;
    fetch('/chat/cv', {
      method: 'POST',
      headers: { authorization: 'Bearer ' + secret, 'x-file-name': encodeURIComponent(file.name), 'content-type': 'application/octet-stream' },
      body: file,
    })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (body) {
          if (!res.ok) throw new Error(body.error || 'Your CV could not be sent. Please try again.');
          line.querySelector('.msg__text').textContent = 'CV sent: ' + file.name;
          line.classList.remove('msg--uploading');
          line.dataset.cv = 'sent';
        });
      })
      .catch(function (err) {
        line.remove();
        showError(err.message || 'Your CV could not be sent. Please try again.');
      })
      .then(function () { button.disabled = false; });
  }
})();
