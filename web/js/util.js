// Small helpers of the page's views: finding and making elements, downloads, the live region
// (announce) and the alert, with the notes gathered while the page starts. Defines PE.util.
'use strict';
(function (PE) {
  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const n = document.createElement(tag);
    for (const k in attrs || {}) {
      if (k === 'class') n.className = attrs[k];
      else if (k === 'text') n.textContent = attrs[k];
      else if (k === 'style') n.style.cssText = attrs[k];  // CSSOM: allowed by the CSP, unlike a style attribute
      else if (k.startsWith('on')) n.addEventListener(k.slice(2), attrs[k]);
      else n.setAttribute(k, attrs[k]);
    }
    for (const c of children) if (c != null) n.append(c);
    return n;
  }
  // data: the CSV's text, or a Blob already made (the check-only view's findings).
  function download(name, data) {
    const blob = data instanceof Blob ? data : new Blob([data], { type: 'text/csv;charset=utf-8' });
    const a = el('a', { href: URL.createObjectURL(blob), download: name });
    document.body.append(a); a.click(); a.remove();
  }

  // The live region is never emptied first (a reader would see it blank): the text is replaced at
  // once, and the same text again gets a trailing no-break space so that it is a change and is
  // announced again.
  function announce(text) {
    const live = $('live');
    live.textContent = live.textContent === text ? text + '\u00a0' : text;
  }
  // The alert sticks to the top of the viewport (see .alert) so it is seen wherever the user is on
  // the page; "Dismiss" hides it.
  function showAlert(text) { $('alert-text').textContent = text; $('alert').hidden = !text; }
  $('alert-close').addEventListener('click', () => showAlert(''));

  // Notes gathered while the page starts (a refused ?api=, damaged storage) are shown together once
  // it has started, after an alert already shown; later ones at once.
  let started = false;
  const startupNotes = [];
  function notice(text) { if (started) showAlert(text); else startupNotes.push(text); }
  // first: a note to put before the others.
  function startupDone(first) {
    if (first) startupNotes.unshift(first);
    started = true;
    if (!startupNotes.length) return;
    const shown = $('alert').hidden ? '' : $('alert-text').textContent;
    showAlert((shown ? shown + ' ' : '') + startupNotes.join(' '));
  }
  // What could not be read back from storage (web/js/stored.js) is dropped, and said once, in words.
  const droppedKinds = new Set();
  function noteDropped(kind, what) {
    if (!what || droppedKinds.has(kind)) return;
    droppedKinds.add(kind);
    notice('Part of what this browser remembers of earlier runs could not be read (another page opened from disk may have written to it), ' +
      'so it was left out: ' + what + '. Nothing was sent because of this; everything else works as usual.');
  }

  PE.util = { $, el, download, announce, showAlert, startupDone, noteDropped };
})(window.PE = window.PE || {});
