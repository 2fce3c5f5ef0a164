/* global document, window, sessionStorage, navigator */
// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';

  // The error summary takes focus so a screen reader announces it and the keyboard starts there.
  var summary = document.querySelector('[data-error-summary]');
  if (summary) summary.focus();

  // A questionnaire keeps its answers in this tab's sessionStorage (never localStorage: the tablet is shared),
  // under the form's idempotency key, so a dropped network or a reload loses nothing; the key travels with
  // every post, so sending twice records once.
  var form = document.querySelector('form[data-questionnaire]');
  if (form) {
    var key = 'matpunkt:answers:' + form.getAttribute('data-questionnaire');
    var stored = {};
    try { stored = JSON.parse(sessionStorage.getItem(key) || '{}') || {}; } catch { stored = {}; }
    var save = function () {
      var data = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.name.indexOf('a_') !== 0) return;
        if ((el.type === 'radio' || el.type === 'checkbox') && !el.checked) return;
        data[el.name] = el.value;
      });
      Object.keys(stored).forEach(function (name) { if (!(name in data) && !form.querySelector('[name="' + name + '"]:not([type=hidden])')) data[name] = stored[name]; });
      stored = data;
      try { sessionStorage.setItem(key, JSON.stringify(data)); } catch { /* storage full or blocked: the form still posts */ }
    };
    // Restore answers the page does not already carry (the server's copy wins).
    Object.keys(stored).forEach(function (name) {
      var fields = form.querySelectorAll('[name="' + name + '"]');
      if (fields.length === 0) return;
      var anyChecked = Array.prototype.some.call(fields, function (f) { return (f.type === 'radio' && f.checked) || (f.type !== 'radio' && f.value !== ''); });
      if (anyChecked) return;
      Array.prototype.forEach.call(fields, function (f) {
        if (f.type === 'radio') f.checked = f.value === stored[name];
        else f.value = stored[name];
      });
    });
    form.addEventListener('change', save);
    save();
    var offline = document.querySelector('[data-offline-notice]');
    form.addEventListener('submit', function (event) {
      save();
      if (navigator.onLine === false) {
        event.preventDefault();
        if (offline) { offline.hidden = false; offline.focus(); }
      } else if (offline) {
        offline.hidden = true;
      }
    });
    window.addEventListener('online', function () { if (offline) offline.hidden = true; });
  }

  // After a response is saved, its answers leave the device.
  var done = document.querySelector('[data-answers-saved]');
  if (done) {
    try { sessionStorage.removeItem('matpunkt:answers:' + done.getAttribute('data-answers-saved')); } catch { /* nothing stored */ }
  }
})();
