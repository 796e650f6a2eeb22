// Tracking: the status of a batch by its uuid (polled until its prospects are final), a look-up by
// email, and the history of batches queued from this browser (localStorage pe.history.v1), which
// can be cleared. One status request is shown at a time: a newer track or look-up supersedes an
// older one (and its polling), and an answer that arrives late for a superseded request is dropped.
// Defines PE.track.
'use strict';
(function (PE) {
  const { $, el, announce, showAlert } = PE.util;
  const { counted } = PE.words;
  const { REQUEST } = PE.protocol;
  const { call, wordsOf } = PE.engine;
  const HISTORY = 'pe.history.v1';
  const POLL_MS = 5000;
  let pollTimer = null;
  let trackSeq = 0;          // the number of the newest status request

  // The history entries in storage that have the expected shape (web/js/stored.js).
  function storedHistory() { try { return localStorage.getItem(HISTORY); } catch (e) { return null; } }
  function loadHistory() {
    const r = PE.stored.readHistory(storedHistory());
    if (r.dropped) PE.util.noteDropped('history', r.dropped);
    return r.entries;
  }
  function saveHistory(entries) {
    try { localStorage.setItem(HISTORY, JSON.stringify(entries)); } catch (e) { /* storage off or full */ }
  }
  // A batch the API has just queued (its uuid, status and counts), sent to baseUrl.
  function addHistory(b, baseUrl) {
    const h = loadHistory().filter((x) => x.uuid !== b.uuid);
    h.unshift({ uuid: b.uuid, created: new Date().toISOString(), status: b.status, queued: b.counts && b.counts.queued, submitted: b.counts && b.counts.submitted, baseUrl });
    saveHistory(h.slice(0, 200));
    renderHistorySoon();
  }
  // During a run a batch is added every moment: the history (read from the ledger) is drawn at
  // most every HISTORY_MS.
  const HISTORY_MS = 500;
  let historyTimer = null;
  function renderHistorySoon() {
    if (historyTimer === null) historyTimer = setTimeout(() => { historyTimer = null; renderHistory(); }, HISTORY_MS);
  }
  // A status answer saying a batch is finished updates its history entry (which otherwise shows the
  // queue answer's status).
  function markFinished(uuids) {
    const h = loadHistory();
    let changed = false;
    for (const x of h) if (uuids.includes(x.uuid) && !x.finished) { x.finished = new Date().toISOString(); changed = true; }
    if (!changed) return;
    saveHistory(h);
    renderHistory();
  }
  // One batch of the history: its uuid (a button that tracks it), when, its status and counts.
  function entryItem(x) {
    return el('li', {}, el('button', { type: 'button', class: 'link', text: x.uuid, 'aria-label': 'Track batch ' + x.uuid,
      onclick: () => { $('track-uuid').value = x.uuid; trackUuid(x.baseUrl); } }),
    ' — ' + new Date(x.created).toLocaleString() + ', ' + (x.finished ? 'finished' : x.status || 'status unknown') + ', ' +
      (x.queued == null ? '?' : x.queued) + ' of ' + (x.submitted == null ? '?' : x.submitted) + ' queued' +
      (x.baseUrl && x.baseUrl !== PE.settings.baseUrl() ? ' (at ' + x.baseUrl + ')' : ''));
  }
  // The history grouped by run, newest first: each run of the ledger under a heading (file, date,
  // endpoint and its totals) with its batches that have a uuid, newest first, SHOW_PER_RUN at most
  // (a run of hundreds of batches stays a short list); batches of runs the ledger no longer holds
  // under a heading of their own.
  const SHOW_PER_RUN = 50;
  function renderHistory() {
    const box = $('history');
    box.replaceChildren();
    const entries = loadHistory();
    const byUuid = new Map(entries.map((x) => [x.uuid, x]));
    const inRuns = new Set();
    const groups = [];
    for (const run of PE.ledger.runs().slice().reverse()) {
      const items = [];
      for (const b of run.batches) {
        if (!b.uuid) continue;
        inRuns.add(b.uuid);
        const x = byUuid.get(b.uuid);
        items.push({ uuid: b.uuid, created: x ? x.created : run.created, finished: x && x.finished, status: b.status,
          queued: b.counts ? b.counts.queued : null, submitted: b.counts ? b.counts.submitted : null, baseUrl: run.baseUrl });
      }
      if (items.length) groups.push({ head: 'Run of ' + (run.file || 'a file') + ', started ' + new Date(run.created).toLocaleString() + ', to ' + run.baseUrl + ': ' + PE.run.totalsText(run), items: items.reverse() });
    }
    const rest = entries.filter((x) => !inRuns.has(x.uuid));
    if (rest.length) groups.push({ head: groups.length ? 'Batches of earlier runs' : 'Batches queued from this browser', items: rest });
    if (!groups.length) { box.append(el('ul', {}, el('li', { class: 'hint', text: 'No batches queued from this browser yet.' }))); return; }
    for (const g of groups) {
      const more = g.items.length - SHOW_PER_RUN;
      box.append(el('section', { class: 'history-run' }, el('h4', { text: g.head }), el('ul', {}, ...g.items.slice(0, SHOW_PER_RUN).map(entryItem)),
        more > 0 ? el('p', { class: 'hint', text: 'And ' + counted(more, 'earlier batch', 'earlier batches') + ' of this run.' }) : null));
    }
  }
  // Clears what this browser remembers of earlier runs (not a run in progress in this or another
  // tab, nor the history entries of its batches).
  function clearHistory() {
    const keep = PE.queue.forgetRuns();
    PE.sent.forget(keep.map((r) => r.id));
    const kept = new Set();
    for (const r of keep) for (const b of r.batches) if (b.uuid) kept.add(b.uuid);
    saveHistory(loadHistory().filter((x) => kept.has(x.uuid)));
    renderHistory();
    announce(keep.length ? 'History cleared, except the run in progress.' : 'History cleared.');
  }
  $('clear-history').addEventListener('click', () => {
    const n = loadHistory().length, runs = PE.ledger.runs();
    PE.queue.confirm('Clear the history?', 'This browser forgets ' + counted(n, 'queued batch', 'queued batches') + ' (their uuids) and ' +
      counted(runs.length, 'earlier run') + ', so it can no longer warn you before the same batches are queued again. The batches stay queued in Woodpecker.' +
      (PE.queue.running() || runs.some(PE.ledger.liveElsewhere) ? ' The run in progress is kept.' : ''), 'Clear history', clearHistory, true);
  });

  // The base URL of a status request: base, when given, was read back from storage (a run's or a
  // history entry's) and is not trusted more than ?api=; else the one in Settings. Null: refused.
  function statusBase(base) {
    const stored = typeof base === 'string' && base;
    return PE.settings.requestBase(stored ? base : PE.settings.baseUrl(), stored ? 'The API base URL stored with this batch' : 'The API base URL in Settings');
  }
  // Asks for a status (what: {uuid} or {emails}) and shows the answer under title. Resolves with
  // {r, seq, target}, or null when nothing was asked, it failed (said), or a newer request won.
  async function ask(base, title, what) {
    const key = PE.settings.requestKey();
    if (!key) return null;
    const target = statusBase(base);
    if (!target) return null;
    clearTimeout(pollTimer);
    const seq = ++trackSeq;
    let r;
    try { r = await call(REQUEST.status, Object.assign({ baseUrl: target, apiKey: key, timeoutMs: PE.settings.timeoutMs() }, what)); } catch (e) {
      if (seq === trackSeq) {
        const message = wordsOf(e && e.message);
        $('track-result').replaceChildren(el('h3', { text: title }), el('p', { class: 'error', text: message }));
        announce(title + ': ' + message);
      }
      return null;
    }
    if (seq !== trackSeq) return null;
    renderStatus(r, title);
    return { r, seq, target };
  }
  async function trackUuid(base) {
    const uuid = $('track-uuid').value.trim();
    if (!uuid) { showAlert('Enter a batch uuid to track.'); return; }
    const got = await ask(base, 'Batch ' + uuid, { uuid });
    if (!got) return;
    const { r, seq, target } = got;
    const batch = r.parsed && r.parsed.batches.find((b) => b.uuid === uuid);
    if ($('auto-refresh').checked && r.httpStatus >= 200 && r.httpStatus < 300 && !(batch && batch.all_final)) {
      pollTimer = setTimeout(() => { if (seq === trackSeq) trackUuid(target); }, POLL_MS);
    }
  }
  async function lookupEmails(base) {
    const emails = $('lookup-emails').value.split(/[\s,;]+/).filter(Boolean);
    await ask(base, emails.length ? 'Statuses for ' + emails.join(', ') : 'Recent enrichments', { emails });
  }
  $('track-btn').addEventListener('click', () => trackUuid());
  $('lookup-btn').addEventListener('click', () => lookupEmails());
  $('auto-refresh').addEventListener('change', () => { if (!$('auto-refresh').checked) clearTimeout(pollTimer); });

  // The API's time in the user's locale when it can be read, else as received.
  function localTime(text) { const t = Date.parse(text); return Number.isNaN(t) ? text : new Date(t).toLocaleString(); }
  function renderStatus(r, title) {
    const box = $('track-result');
    box.replaceChildren(el('h3', { text: title }));
    if (r.message) { box.append(el('p', { class: 'error', text: r.message })); announce(title + ': ' + r.message); }
    if (r.parsed) {
      if (!r.parsed.batches.length) box.append(el('p', { text: 'No enrichment batches in the answer.' }));
      let finalCount = 0, totalCount = 0;
      for (const b of r.parsed.batches) {
        const table = el('table', { class: 'status-table', 'aria-label': 'Prospects of batch ' + b.uuid },
          el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Email' }), el('th', { scope: 'col', text: 'Status' }), el('th', { scope: 'col', text: 'Result' }))));
        const tb = el('tbody');
        for (const p of b.prospects) {
          totalCount++; if (p.final) finalCount++;
          tb.append(el('tr', {}, el('td', { text: p.email }), el('td', { text: p.status }), el('td', { text: p.processing_result || '—' })));
        }
        table.append(tb);
        box.append(el('p', { text: 'Batch ' + b.uuid + (b.created ? ', created ' + localTime(b.created) : '') + (b.status ? ', ' + b.status : '') + (b.all_final ? ' — finished.' : ' — in progress.') }), el('div', { class: 'table-wrap' }, table));
      }
      markFinished(r.parsed.batches.filter((b) => b.all_final && b.uuid).map((b) => b.uuid));
      announce(title + ': ' + finalCount + ' of ' + totalCount + ' prospects finished.');
    }
    const details = el('details', {}, el('summary', { text: 'Raw answer (HTTP ' + r.httpStatus + ')' }), el('pre', { class: 'raw', text: r.raw || '(empty)' }));
    box.append(details);
  }

  // At start-up: what was dropped from the history is written back without it (said once).
  function init() {
    if (PE.stored.readHistory(storedHistory()).dropped) saveHistory(loadHistory());
    renderHistory();
  }

  PE.track = { init, trackUuid, lookupEmails, addHistory, renderHistory };
})(window.PE);
