// Prospect Enricher page. Plain JS, classic script (works from file://). All parsing and validation
// happen in the wasm module inside a Web Worker; this file renders and talks to it.
/* global PE_WORKER_SOURCE, PE_SAMPLE_CSV, PE_POLICY, PE_STORED */
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------- worker
  // The worker runs the wasm module. When the module fails for good (it aborted, ran out of memory,
  // or a C++ exception escaped it) the worker says so ("fatal"), or dies: it is replaced by a fresh
  // one, every request waiting on it fails with the reason in words, a run in progress ends, and the
  // loaded file is dropped (it lived in the old worker).
  const workerUrl = URL.createObjectURL(new Blob([PE_WORKER_SOURCE], { type: 'text/javascript' }));
  let worker = null;
  let workerReady = false;   // the module of this worker has started (so a fresh one can start too)
  let nextId = 1;
  const pending = new Map();
  function startWorker() {
    const w = new Worker(workerUrl);
    worker = w;
    workerReady = false;
    w.onmessage = (e) => {
      if (w !== worker) return;
      const m = e.data || {};
      if (m.type === 'ready') { workerReady = true; return; }
      if (m.type === 'event') { onRunEvent(m.event); return; }
      const p = pending.get(m.id);
      if (m.ok) { if (p) { pending.delete(m.id); p.resolve(m.result); } return; }
      const message = wordsOf(m.error);
      if (m.fatal) { engineFailed(message); return; }   // rejects p too
      if (m.startFailed) workerReady = false;
      if (p) { pending.delete(m.id); p.reject(new Error(message)); }
    };
    // An error nothing in the worker caught (e.g. the module aborted inside a network callback).
    w.onerror = (e) => {
      if (w !== worker) return;
      if (e && e.preventDefault) e.preventDefault();
      const detail = String((e && e.message) || '').replace(/^Uncaught\s+/, '').replace(/\. Build with -s ASSERTIONS=1 for more info\.?$/, '')
        .replace(/\b\d{4,}\b/g, '').trim();
      const said = /[A-Za-z]{3}/.test(detail) ? ' (' + detail + ')' : '';
      engineFailed(workerReady
        ? 'The validation engine stopped unexpectedly' + said + ' and was restarted.'
        : 'The validation engine failed to start' + said + '. Reload the page; if it keeps failing, use a current Chrome, Edge or Firefox.');
    };
  }
  // A message from the engine as the user reads it: never a bare number or pointer.
  function wordsOf(text) {
    const t = String(text == null ? '' : text);
    return /[A-Za-z]{3}/.test(t) ? t : 'The validation engine failed without saying why. Try again; if it happens again, ' +
      'validate the file with the enrich command-line tool (`enrich validate FILE`), or split it into smaller files.';
  }
  // context: what was going on, said first ("Sending stopped.").
  function engineFailed(message, context) {
    const wasReady = workerReady;
    if (worker) worker.terminate();
    worker = null;
    const waiting = [...pending.values()];
    pending.clear();
    for (const p of waiting) {
      const err = new Error(message);
      err.engine = true;   // said once, here; a caller's own message may add where it happened
      p.reject(err);
    }
    if (running) endRunLocally(message);
    // The loaded file lived in the old worker: nothing of it may be shown as current.
    const said = (context ? context + ' ' : '') + message;
    if (state) {
      dropLoadedFile();
      showAlert(said + ' The loaded file was cleared: load it again.');
    } else showAlert(said);
    // A worker that never started would fail again the same way: no endless restarts.
    if (wasReady) startWorker();
  }
  startWorker();
  // Last resort: a failure no handler caught is still said in words (the engine's own are said above).
  window.addEventListener('unhandledrejection', (e) => {
    const r = e.reason;
    e.preventDefault();
    if (r && r.engine) return;
    showAlert('Something went wrong on the page: ' + wordsOf(r && r.message !== undefined ? r.message : r) + ' If the page does not respond, reload it.');
  });
  function call(type, payload, transfer) {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      if (!worker) { reject(new Error('The validation engine is not running. Reload the page.')); return; }
      pending.set(id, { resolve, reject });
      worker.postMessage(Object.assign({ id, type }, payload || {}), transfer || []);
    });
  }

  // ---------------------------------------------------------------- helpers
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
  // it has started; later ones at once.
  let started = false;
  const startupNotes = [];
  function notice(text) { if (started) showAlert(text); else startupNotes.push(text); }
  // What could not be read back from storage (web/stored.js) is dropped, and said once, in words.
  const droppedKinds = new Set();
  function noteDropped(kind, what) {
    if (!what || droppedKinds.has(kind)) return;
    droppedKinds.add(kind);
    notice('Part of what this browser remembers of earlier runs could not be read (another page opened from disk may have written to it), ' +
      'so it was left out: ' + what + '. Nothing was sent because of this; everything else works as usual.');
  }
  // "1 batch", "2 batches": n formatted, with the singular or plural noun.
  const counted = (n, one, many) => fmt(n) + ' ' + (Number(n) === 1 ? one : (many || one + 's'));
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
  const fmt = (n) => Number(n).toLocaleString('en-US');
  const credits = (n) => Number(n).toLocaleString('en-US', { maximumFractionDigits: 1 });
  function download(name, text) {
    const a = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' })), download: name });
    document.body.append(a); a.click(); a.remove();
  }

  // ---------------------------------------------------------------- settings
  const params = new URLSearchParams(location.search);
  const served = location.protocol === 'http:' || location.protocol === 'https:';
  const choices = [];
  if (served) choices.push({ id: 'proxy', label: 'Woodpecker API through this server (recommended)', url: location.origin + '/woodpecker' });
  choices.push({ id: 'direct', label: 'Woodpecker API, direct', url: 'https://api.woodpecker.co' });
  choices.push({ id: 'sandbox', label: 'Local sandbox — no account, no credits', url: served ? location.origin + '/sandbox' : 'http://127.0.0.1:8090' });
  choices.push({ id: 'custom', label: 'Custom…', url: '' });
  for (const c of choices) $('base-choice').append(el('option', { value: c.id, text: c.label }));
  function setBase(id, url) {
    $('base-choice').value = id;
    $('base-url').value = url;
    $('base-hint').textContent = id === 'direct'
      ? 'From a page opened from disk, the browser may block direct calls (CORS). If so, serve the page with scripts/run.sh, or use the curl command from the dry run.'
      : id === 'sandbox' ? 'The sandbox accepts the key “sandbox-key”.' : '';
  }
  // Where the key may go (web/policy.js): the Woodpecker API, this server when the page is served,
  // or a sandbox on this machine; plain paths only. The same check guards ?api=, the field, and
  // every base URL read back from storage before a request uses it (the worker checks again).
  const pageOrigin = served ? location.origin : null;
  const checkBase = (url) => PE_POLICY.checkBaseUrl(url, pageOrigin);
  // ?api= presets the endpoint (used for a local sandbox). A link must not be able to send the key
  // elsewhere, nor put anything but a URL into the curl command: anything else is refused, visibly.
  const apiParam = params.get('api');
  let apiRefused = '';
  const apiChecked = apiParam ? checkBase(apiParam) : null;
  if (apiChecked && apiChecked.ok) {
    const c = choices.find((x) => x.url === apiChecked.url);
    setBase(c ? c.id : 'custom', apiChecked.url);
  } else {
    setBase(choices[0].id, choices[0].url);
    if (apiChecked) apiRefused = 'This link asked the page to use the API at “' + apiParam + '”, which it refuses: ' + apiChecked.message +
      ' The endpoint stays at ' + choices[0].url + '.';
  }
  $('base-choice').addEventListener('change', () => {
    const c = choices.find((x) => x.id === $('base-choice').value);
    setBase(c.id, c.id === 'custom' ? $('base-url').value : c.url);
  });
  $('base-url').addEventListener('input', () => { $('base-choice').value = 'custom'; });
  // The page's security policy lets it connect only to the Woodpecker API, its own server and this
  // machine: say so at once rather than fail on the first call.
  $('base-url').addEventListener('change', () => {
    const c = checkBase(baseUrl());
    $('base-hint').textContent = c.ok ? '' : c.message + ' To use another proxy, host the page on that server (see docs/hosting.md).';
  });
  // The base URL for a request that carries the key, or null after saying why it is refused.
  // where: whose URL it is, for the message ("The API base URL in Settings").
  function requestBase(url, where) {
    const c = checkBase(url);
    if (c.ok) return c.url;
    showAlert(where + ' (“' + url + '”) is refused, so nothing was sent: ' + c.message);
    return null;
  }

  // The key: memory only, unless "Remember in this tab" (sessionStorage). Never logged or exported.
  const KEY_STORE = 'pe.apiKey';
  try {
    const saved = sessionStorage.getItem(KEY_STORE);
    if (saved) { $('api-key').value = saved; $('remember-key').checked = true; }
  } catch (e) { /* storage may be off */ }
  function persistKey() {
    try {
      if ($('remember-key').checked && $('api-key').value) sessionStorage.setItem(KEY_STORE, $('api-key').value);
      else sessionStorage.removeItem(KEY_STORE);
    } catch (e) { /* ignore */ }
  }
  $('remember-key').addEventListener('change', persistKey);
  // The key goes into an HTTP header, which takes printable ASCII only: a character pasted with it
  // (a zero-width space, a non-breaking space, a smart quote) is named at once, with its place.
  function checkKeyField() {
    const problem = PE_POLICY.keyProblem($('api-key').value);
    $('key-hint').textContent = problem || '';
    $('key-hint').hidden = !problem;
    if (problem) $('api-key').setAttribute('aria-invalid', 'true'); else $('api-key').removeAttribute('aria-invalid');
    return problem;
  }
  $('api-key').addEventListener('input', () => { persistKey(); checkKeyField(); });
  checkKeyField();
  const apiKey = () => $('api-key').value.trim();
  // The key for a request, or null after saying what is missing or wrong.
  function requestKey() {
    if (!apiKey()) { showAlert('Enter your API key in Settings first.'); $('api-key').focus(); return null; }
    const problem = checkKeyField();
    if (problem) { showAlert('Nothing was sent. ' + problem); $('api-key').focus(); return null; }
    return apiKey();
  }
  const baseUrl = () => $('base-url').value.trim().replace(/\/+$/, '');
  // The batch size used is always the one shown: a value out of range is corrected in the field,
  // and its hint says why.
  const BATCH_HINT = 'Prospects per request. 50 is a safe default.';
  function batchSize() {
    const field = $('batch-size');
    const raw = field.value.trim();
    const n = parseInt(raw, 10);
    const size = Number.isNaN(n) ? 50 : Math.max(1, Math.min(1000, n));
    if (raw !== String(size)) {
      field.value = String(size);
      $('batch-hint').textContent = Number.isNaN(n) ? (raw ? '“' + raw + '” is not a number' : 'No batch size given') + ': the default of 50 is used.'
        : n > 1000 ? 'At most 1000 prospects per request: ' + raw + ' was changed to 1000.'
        : n < 1 ? 'At least 1 prospect per request: ' + raw + ' was changed to 1.'
        : raw + ' was rounded to ' + size + ' (a whole number of prospects).';
    } else $('batch-hint').textContent = BATCH_HINT;
    return size;
  }
  const timeoutMs = () => Math.round(Math.max(1, Math.min(600, parseFloat($('request-timeout').value) || 30)) * 1000);

  // ---------------------------------------------------------------- input
  let state = null;           // last state from the worker
  let lastBytes = null;       // the input, to re-read with other encoding/delimiter
  let inputName = 'pasted.csv';

  // One load at a time: a second request while one runs waits for it, then the newest one wins.
  // reread: the same bytes read again with another encoding or delimiter, so the user's column
  // choices are kept; any other load starts from the detected mapping.
  let loading = null, queuedLoad = null;
  async function loadBytes(bytes, name, reread) {
    if (loading) { queuedLoad = [bytes, name, reread]; return loading; }
    if (running) { showAlert('A queue run is in progress: wait for it to finish, or cancel it, before loading another file.'); return; }
    if (!reread) overrides = [];
    lastBytes = bytes;
    inputName = name || 'pasted.csv';
    const options = { encoding: $('encoding').value, delimiter: $('delimiter').value, batchSize: batchSize() };
    const copy = bytes.slice(0);
    const started = performance.now();
    $('read-status').textContent = 'Reading ' + inputName + ' (' + sizeText(bytes.byteLength) + ')…';
    $('validate-btn').disabled = true;
    loading = (async () => {
      try {
        state = await call('load', { bytes: copy, options }, [copy]);
        if (reread && overrides.length && state.columns && state.columns.length) state = await call('remap', { overrides });
        // A new file is shown whole: the row filter goes back to "All rows" (a re-read keeps it).
        if (!reread && state.ok && $('row-filter').value !== 'all') {
          $('row-filter').value = 'all';
          $('row-filter').dispatchEvent(new Event('change'));
        }
        await afterStateChange(true);
        const secs = ((performance.now() - started) / 1000).toFixed(1);
        $('read-status').textContent = state.ok ? 'Read ' + counted(state.summary.rows, 'row') + ' of ' + inputName + ' in ' + secs + ' s.' : '';
      } catch (e) {
        // Whatever was shown belongs to the previous file: it must not pass for this one.
        dropLoadedFile();
        $('read-status').textContent = '';
        showAlert('The file could not be read: ' + wordsOf(e && e.message));
      } finally {
        loading = null;
        $('validate-btn').disabled = false;
      }
    })();
    await loading;
    if (queuedLoad) { const [b, n, r] = queuedLoad; queuedLoad = null; await loadBytes(b, n, r); }
  }
  function sizeText(n) { return n >= 1e6 ? (n / 1e6).toFixed(1) + ' MB' : n >= 1e3 ? Math.round(n / 1e3) + ' kB' : n + ' bytes'; }
  let fromFile = false;       // the loaded input came from a file (upload or drop), not the text box
  function loadText() {
    const text = $('csv-text').value;
    // Nothing pasted but a file loaded: "Validate" checks that file again (same bytes and choices).
    if (!text.trim() && fromFile && lastBytes) return loadBytes(lastBytes, inputName, true);
    if (!text.trim()) { showAlert('Paste CSV text with a header row first, or choose a file.'); return; }
    $('file-name').textContent = '';
    fromFile = false;
    return loadBytes(new TextEncoder().encode(text).buffer, 'pasted.csv');
  }
  async function loadFile(file) {
    if (!file) return;
    if (!/\.(csv|tsv|txt)$/i.test(file.name) && file.type && !/^text\//.test(file.type)) {
      showAlert('“' + file.name + '” does not look like a CSV file. Choose a .csv, .tsv or .txt export.');
      return;
    }
    if (file.size > MAX_BYTES) {
      showAlert('“' + file.name + '” is ' + sizeText(file.size) + '; this page reads files up to ' + sizeText(MAX_BYTES) +
        '. Split the export into smaller files, or validate it with the enrich command-line tool.');
      return;
    }
    $('file-name').textContent = file.name + ' (' + sizeText(file.size) + ')';
    let bytes;
    try { bytes = await file.arrayBuffer(); } catch (e) {
      showAlert('“' + file.name + '” could not be read (' + (e.message || e.name) + '). Check that the file still exists and is not open in another program, then choose it again.');
      return;
    }
    fromFile = true;
    await loadBytes(bytes, file.name);
  }
  // The module keeps a few copies of the input in its memory (at most 2 GB): stay well below.
  const MAX_BYTES = 300e6;
  $('validate-btn').addEventListener('click', loadText);
  $('sample-btn').addEventListener('click', () => { $('csv-text').value = PE_SAMPLE_CSV; loadText(); });
  // The input is emptied once its file is taken, so choosing the same (re-saved) file again is a
  // change too.
  $('file-input').addEventListener('change', () => {
    const f = $('file-input').files[0];
    $('file-input').value = '';
    loadFile(f);
  });
  for (const id of ['encoding', 'delimiter']) $(id).addEventListener('change', () => { if (lastBytes) loadBytes(lastBytes, inputName, true); });
  $('batch-size').addEventListener('change', async () => {
    batchSize();   // corrects the field and its hint at once, with or without a file
    if (!state) return;
    state = await call('setBatchSize', { batchSize: batchSize() });
    await afterStateChange(false);
  });
  // Drag and drop anywhere on the page.
  document.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('dragging'); });
  document.addEventListener('dragleave', (e) => { if (!e.relatedTarget) document.body.classList.remove('dragging'); });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    const f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
    if (f) loadFile(f);
  });

  // ---------------------------------------------------------------- results
  const FIELDS = ['email', 'first_name', 'last_name', 'full_name', 'linkedin_url', 'company_name', 'company_website', 'ignore'];
  let overrides = [];

  // Empties everything shown of a file: summary, findings, problems, rows and batch plan.
  function clearView() {
    $('summary').replaceChildren();
    $('file-findings').replaceChildren();
    $('problems').replaceChildren();
    cache.clear();
    total = 0;
    cursor = null;
    for (const n of [...$('grid-body').querySelectorAll('.grid-row')]) n.remove();
    $('grid-head').replaceChildren();
    $('grid-spacer').style.height = '0px';
    $('row-count').textContent = '';
    $('grid-empty').hidden = true;
    plan = [];
    $('batch-pick').replaceChildren();
    $('batch-body').value = '';
    $('batch-curl').value = '';
    $('queue-cost').textContent = '';
    $('detected').textContent = '';
  }
  // No file is loaded any more (a failed read, or the engine was restarted).
  function dropLoadedFile() {
    state = null;
    clearView();
    $('columns').replaceChildren();
    $('results').hidden = $('dryrun').hidden = $('export').hidden = true;
    $('queue').hidden = !current;
    $('queue-btn').disabled = true;
    setQueueNote('');
    renderBatches();
  }

  async function afterStateChange(resetView) {
    showAlert('');
    if (!state.ok) {
      showAlert(state.error);
      announce('The file could not be used: ' + state.error);
      // Only the columns are shown (to fix the mapping); nothing of an earlier file.
      clearView();
      $('results').hidden = !(state.columns && state.columns.length);
      $('dryrun').hidden = $('queue').hidden = $('export').hidden = true;
      $('queue-btn').disabled = true;
      setQueueNote('');
      if (state.columns && state.columns.length) renderColumns(); else $('columns').replaceChildren();
      renderBatches();
      return;
    }
    $('empty-state').hidden = true;
    $('results').hidden = $('dryrun').hidden = $('queue').hidden = $('export').hidden = false;
    $('detected').textContent = 'Read as ' + state.encoding + ', ' + state.delimiterName + '-separated' + (state.delimiterDetected ? ' (detected)' : '');
    renderSummary();
    renderColumns();
    await refreshRows(resetView);
    await refreshProblems();
    await refreshPlan();
    const s = state.summary;
    announce(counted(s.rows, 'row') + ' read: ' + fmt(s.valid) + ' valid, ' + fmt(s.invalid) + ' invalid, ' + counted(s.duplicates, 'duplicate') + '.');
  }

  function renderSummary() {
    const s = state.summary;
    const items = [
      ['Rows read', fmt(s.rows)], ['Valid', fmt(s.valid)], ['Invalid', fmt(s.invalid)], ['Duplicates', fmt(s.duplicates)],
      ['Rows with warnings', fmt(s.rowsWithWarnings)], ['Batches', fmt(s.batches) + ' × up to ' + s.batchSize],
      ['Credit ceiling', credits(s.creditsMax)],
    ];
    const dl = $('summary');
    dl.replaceChildren();
    for (const [k, v] of items) dl.append(el('div', { class: 'stat' }, el('dt', { text: k }), el('dd', { text: v })));
    const ff = $('file-findings');
    ff.replaceChildren();
    for (const f of state.fileFindings || []) ff.append(el('li', { class: f.severity, text: f.message }));
    if (s.blankLines) ff.append(el('li', { class: 'info', text: counted(s.blankLines, 'blank line') + (s.blankLines === 1 ? ' was' : ' were') + ' skipped.' }));
    $('queue-cost').textContent = counted(s.valid, 'valid prospect') + ' in ' + counted(s.batches, 'batch', 'batches') + '. At most ' + credits(s.creditsMax) +
      ' credits (1.5 per prospect, charged only when enrichment finds data).';
    $('queue-btn').textContent = 'Queue ' + counted(s.valid, 'prospect');
    setQueueNote('');
    $('queue-btn').disabled = s.valid === 0 || !!running;
  }

  function renderColumns() {
    const tb = $('columns');
    tb.replaceChildren();
    state.columns.forEach((c, i) => {
      const sel = el('select', { 'aria-label': 'Field for column ' + (c.header || '#' + (i + 1)), 'data-col': String(i) });
      for (const f of FIELDS) sel.append(el('option', { value: f, text: f === 'ignore' ? 'ignored' : f }));
      sel.value = c.field;
      sel.addEventListener('change', async () => {
        const key = '#' + (i + 1);
        overrides = overrides.filter((o) => o.header !== key);
        overrides.push({ header: key, field: sel.value });
        state = await call('remap', { overrides });
        await afterStateChange(false);
        announce('Column “' + c.header + '” is now ' + (sel.value === 'ignore' ? 'ignored' : 'sent as ' + sel.value) + '.');
      });
      tb.append(el('tr', { class: c.field === 'ignore' ? 'ignored' : '' },
        el('th', { scope: 'row', text: c.header || '(no header)' }), el('td', {}, sel), el('td', { text: c.note || '' })));
    });
  }

  // ---------------------------------------------------------------- virtual grid
  // #grid is the one scroll container (both directions); its header row is sticky. Only the rows in
  // view (plus a margin) exist in the DOM; they are fetched from the worker by visible position.
  // Columns: Row, Status, Problems (every finding of the row, reachable by keyboard as column -1),
  // then the file's columns (0..n-1).
  const ROW_H = 32;
  const W = { rownum: 64, status: 150, problems: 320, cell: 190 };
  let filter = 'all';
  let total = 0;
  const cache = new Map();   // visible position -> row object
  const FILTER_EMPTY = { all: 'This file has a header row but no prospect rows.', errors: 'No rows with errors.',
    warnings: 'No rows with warnings.', valid: 'No valid rows.' };

  async function refreshRows(reset) {
    cache.clear();
    const r = await call('rows', { filter, start: 0, count: 0 });
    total = r.total;
    $('row-count').textContent = total ? plural(total, 'row') : FILTER_EMPTY[filter];
    $('grid-empty').textContent = total ? '' : FILTER_EMPTY[filter];
    $('grid-empty').hidden = !!total;
    if (reset) { $('grid').scrollTop = 0; cursor = null; }
    if (cursor && cursor.pos >= total) cursor = null;
    renderHead();
    await renderGrid();
  }
  function plural(n, word) { return fmt(n) + ' ' + word + (n === 1 ? '' : 's'); }
  function rowWidth() { return W.rownum + W.status + W.problems + W.cell * state.columns.length; }
  function renderHead() {
    const head = $('grid-head');
    head.replaceChildren(el('div', { class: 'cell rownum', role: 'columnheader', text: 'Row' }),
      el('div', { class: 'cell status', role: 'columnheader', text: 'Status' }),
      el('div', { class: 'cell problems', role: 'columnheader', text: 'Problems' }));
    state.columns.forEach((c) => head.append(el('div', { class: 'cell', role: 'columnheader', text: c.header, title: c.header + (c.field === 'ignore' ? ' (ignored)' : ' → ' + c.field) })));
    $('grid').setAttribute('aria-colcount', String(state.columns.length + 3));
  }
  function viewRange() {
    const g = $('grid');
    const headH = $('grid-head').offsetHeight;
    const first = Math.max(0, Math.floor(Math.max(0, g.scrollTop - headH) / ROW_H) - 5);
    return { first, count: Math.ceil(g.clientHeight / ROW_H) + 10 };
  }
  async function renderGrid() {
    const body = $('grid-body');
    const { first, count } = viewRange();
    const last = Math.min(total, first + count);
    let missing = false;
    for (let i = first; i < last; i++) if (!cache.has(i)) { missing = true; break; }
    if (missing) {
      const r = await call('rows', { filter, start: first, count });
      r.rows.forEach((row, k) => cache.set(first + k, row));
      if (cache.size > 2000) for (const k of cache.keys()) { if (k < first - 200 || k > first + count + 200) cache.delete(k); }
    }
    // Rows are re-created on scroll: keep keyboard focus on the same cell when it is still shown.
    const active = document.activeElement;
    const focused = active && body.contains(active) && active.dataset && active.dataset.col != null
      ? { pos: active.dataset.pos, col: active.dataset.col } : null;
    for (const n of [...body.querySelectorAll('.grid-row')]) n.remove();
    for (let i = first; i < last; i++) {
      const row = cache.get(i);
      if (row) body.append(renderRow(row, i));
    }
    const spacer = $('grid-spacer');
    spacer.style.height = (total * ROW_H) + 'px';
    spacer.style.width = rowWidth() + 'px';
    $('grid').setAttribute('aria-rowcount', String(total + 1));
    if (focused) {
      // The cell is gone when the view jumped far: keep focus in the grid, not on the page.
      const want = cursor || focused;
      const again = cellAt(want.pos, want.col);
      (again || $('grid')).focus({ preventScroll: true });
    }
  }
  const cellAt = (pos, col) => $('grid-body').querySelector('[data-pos="' + pos + '"][data-col="' + col + '"]');
  function renderRow(row, pos) {
    const byCol = {};
    for (const f of row.findings) {
      const col = state.columns.findIndex((c) => c.field === f.field || (f.field === 'first_name' && c.field === 'full_name'));
      if (f.field && col >= 0) (byCol[col] = byCol[col] || []).push(f);
    }
    const statusText = row.status === 'duplicate' ? 'duplicate of row ' + row.duplicateOf : row.status;
    const div = el('div', { class: 'grid-row ' + row.status, role: 'row', 'aria-rowindex': String(pos + 2), style: 'top:' + (pos * ROW_H) + 'px' },
      el('div', { class: 'cell rownum', role: 'rowheader', text: String(row.row), title: 'row ' + row.row + ', line ' + row.line }),
      el('div', { class: 'cell status ' + row.status, role: 'gridcell', text: statusText }));
    // Problems: errors first; the whole list on hover, focus and in the accessible description.
    const sorted = row.findings.slice().sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
    const problems = el('div', { class: 'cell problems', role: 'gridcell', tabindex: '-1', 'data-pos': String(pos), 'data-row': String(row.index), 'data-col': '-1',
      text: sorted.length ? sorted[0].message + (sorted.length > 1 ? ' (+' + (sorted.length - 1) + ' more)' : '') : '' });
    if (sorted.length) decorate(problems, sorted, '');
    div.append(problems);
    row.cells.forEach((v, c) => {
      const cell = el('div', { class: 'cell', role: 'gridcell', tabindex: '-1', 'data-pos': String(pos), 'data-row': String(row.index), 'data-col': String(c), text: v });
      if (byCol[c]) decorate(cell, byCol[c], v); else if (v) cell.title = v;
      div.append(cell);
    });
    return div;
  }
  function decorate(cell, findings, value) {
    const sev = findings.some((f) => f.severity === 'error') ? 'has-error' : 'has-warning';
    cell.classList.add(sev);
    const msg = findings.map((f) => f.severity + ': ' + f.message).join('\n');
    cell.title = (value ? value + '\n' : '') + msg;
    cell.setAttribute('aria-description', msg);
    cell.dataset.findings = findings.map((f) => f.code).join(' ');
  }
  let scrollTimer = null;
  $('grid').addEventListener('scroll', () => {
    if (scrollTimer) return;
    scrollTimer = requestAnimationFrame(() => { scrollTimer = null; renderGrid(); });
  });
  $('row-filter').addEventListener('change', () => { filter = $('row-filter').value; refreshRows(true); });

  // Moves keyboard focus to the cell at a visible position and column, scrolling it into view.
  async function focusCell(pos, col) {
    if (!total) return;
    pos = Math.max(0, Math.min(total - 1, pos));
    col = Math.max(-1, Math.min(state.columns.length - 1, col));
    const g = $('grid');
    const headH = $('grid-head').offsetHeight;
    const top = pos * ROW_H, bottom = top + ROW_H;
    if (top < g.scrollTop) g.scrollTop = top;
    else if (bottom > g.scrollTop + g.clientHeight - headH) g.scrollTop = bottom - g.clientHeight + headH;
    let cell = cellAt(pos, col);
    if (!cell) {
      await renderGrid();
      // A newer move may have been made meanwhile: it wins.
      if (cursor && (cursor.pos !== pos || cursor.col !== col)) return;
      cell = cellAt(pos, col);
    }
    if (cell) { cell.focus({ preventScroll: true }); cell.scrollIntoView({ block: 'nearest', inline: 'nearest' }); }
  }
  // Keyboard: arrows, Page Up/Down, Home/End (Ctrl: first/last row) move; Enter or F2 edits.
  let cursor = null;  // {pos, col} of the cell the keyboard is on
  $('grid').addEventListener('keydown', (e) => {
    const cur = document.activeElement;
    if (cur && cur.tagName === 'INPUT') return;
    // The cursor is where the last move went (rendering may lag behind keys pressed quickly).
    if (!cursor) {
      if (['ArrowDown', 'ArrowRight', 'Enter', 'Home'].includes(e.key)) {
        e.preventDefault();
        cursor = { pos: Math.floor(Math.max(0, $('grid').scrollTop - $('grid-head').offsetHeight) / ROW_H), col: 0 };
        focusCell(cursor.pos, cursor.col);
      }
      return;
    }
    const from = cursor;
    const pos = from.pos, col = from.col;
    const page = Math.max(1, Math.floor(($('grid').clientHeight - $('grid-head').offsetHeight) / ROW_H) - 1);
    const moves = {
      ArrowDown: [pos + 1, col], ArrowUp: [pos - 1, col], ArrowLeft: [pos, col - 1], ArrowRight: [pos, col + 1],
      PageDown: [pos + page, col], PageUp: [pos - page, col],
      Home: e.ctrlKey ? [0, col] : [pos, -1], End: e.ctrlKey ? [total - 1, col] : [pos, state.columns.length - 1],
    };
    if (moves[e.key]) {
      e.preventDefault();
      const [p, c] = moves[e.key];
      cursor = { pos: Math.max(0, Math.min(total - 1, p)), col: Math.max(-1, Math.min(state.columns.length - 1, c)) };
      focusCell(cursor.pos, cursor.col);
    } else if ((e.key === 'Enter' || e.key === 'F2') && col >= 0 && cur.dataset && +cur.dataset.pos === pos && +cur.dataset.col === col) {
      e.preventDefault();
      editCell(cur, +cur.dataset.row, col, pos);
    }
  });
  $('grid-body').addEventListener('dblclick', (e) => {
    const cell = e.target.closest('.cell[data-col]');
    if (cell && +cell.dataset.col >= 0) editCell(cell, +cell.dataset.row, +cell.dataset.col, +cell.dataset.pos);
  });
  $('grid-body').addEventListener('focusin', (e) => {
    const cell = e.target.closest('.cell');
    if (cell && cell.dataset.col != null) cursor = { pos: +cell.dataset.pos, col: +cell.dataset.col };
    if (cell && cell.getAttribute('aria-description')) announce(cell.getAttribute('aria-description'));
  });
  function editCell(cell, row, col, pos) {
    if (running) { announce('Editing is off while a queue run is in progress.'); return; }
    const input = el('input', { type: 'text', class: 'cell-edit', 'aria-label': 'Edit ' + (state.columns[col].header || 'cell') + ', row ' + (row + 1) });
    input.value = cell.textContent;
    cell.replaceChildren(input);
    input.focus();
    input.select();
    let done = false;
    // Afterwards focus returns to the same place: the same row if it is still shown under the
    // filter, else the same position.
    const refocus = () => {
      const same = $('grid-body').querySelector('[data-row="' + row + '"][data-col="' + col + '"]');
      if (same) same.focus({ preventScroll: true }); else focusCell(pos, col);
    };
    const finish = async (save) => {
      if (done) return;
      done = true;
      if (!save) { await renderGrid(); refocus(); return; }
      const r = await call('setCell', { row, col, value: input.value });
      if (r.ok === false) { showAlert(r.error); return; }
      state.summary = r.summary;
      renderSummary();
      const fs = r.row.findings;
      announce('Row ' + (row + 1) + ' is ' + r.row.status + (fs.length ? ': ' + fs.map((f) => f.message).join(' ') : '.'));
      await refreshRows(false);
      await refreshPlan();
      await refreshProblems();
      refocus();
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); finish(true); }
      else if (e.key === 'Escape') { e.preventDefault(); finish(false); }
      e.stopPropagation();
    });
    input.addEventListener('blur', () => finish(true));
  }

  // The problems of the file, grouped, above the rows: nothing needs a hover to be seen. Each group
  // shows the rows with that problem.
  async function refreshProblems() {
    const list = $('problems');
    list.replaceChildren();
    if (!state || !state.ok) return;
    const groups = await call('problems');
    for (const g of groups.slice(0, 12)) {
      const rows = 'row' + (g.count === 1 ? ' ' : 's ') + g.rows.join(', ') + (g.count > g.rows.length ? ', …' : '');
      const show = el('button', { type: 'button', class: 'link', text: 'Show', 'aria-label': 'Show the rows with ' + (g.severity === 'error' ? 'errors' : 'warnings') });
      show.addEventListener('click', () => { $('row-filter').value = g.severity === 'error' ? 'errors' : 'warnings'; $('row-filter').dispatchEvent(new Event('change')); $('grid').focus(); });
      list.append(el('li', { class: g.severity },
        el('strong', { text: plural(g.count, 'row') + (g.field ? ' · ' + g.field : '') + ': ' }), g.message + ' (' + rows + ') ', show));
    }
    if (groups.length > 12) list.append(el('li', { class: 'hint', text: (groups.length - 12) + ' more kinds of problem: see the rows below.' }));
  }

  // ---------------------------------------------------------------- dry run
  const QUEUE_PATH = '/rest/v2/lead_finder/prospects/enrichments';
  let plan = [];
  async function refreshPlan() {
    plan = await call('batchPlan');
    const pick = $('batch-pick');
    const prev = pick.value;
    pick.replaceChildren();
    plan.forEach((b) => pick.append(el('option', { value: String(b.index), text: 'Batch ' + (b.index + 1) + ' of ' + plan.length + ' (' + counted(b.count, 'prospect') + ', ' + (b.firstRow === b.lastRow ? 'row ' + b.firstRow : 'rows ' + b.firstRow + '–' + b.lastRow) + ')' })));
    if (prev && +prev < plan.length) pick.value = prev;
    await showBatch();
    renderBatches();
  }
  async function showBatch() {
    if (!plan.length) { $('batch-body').value = ''; $('batch-curl').value = 'No valid prospects to send yet.'; return; }
    const body = await call('batchBody', { index: +$('batch-pick').value || 0 });
    $('batch-body').value = JSON.stringify(JSON.parse(body), null, 2);
    // The command is built by web/policy.js: every value single-quoted for the shell; the key only
    // as $WOODPECKER_API_KEY. A base URL outside the policy is not put in it at all.
    const c = checkBase(baseUrl() || PE_POLICY.WOODPECKER);
    $('batch-curl').value = c.ok ? PE_POLICY.curlCommand(c.url + QUEUE_PATH, body)
      : 'No curl command: the API base URL in Settings is refused. ' + c.message;
  }
  $('batch-pick').addEventListener('change', showBatch);
  $('base-url').addEventListener('change', showBatch);
  // The button says "Copied" for 2 s (and it is announced), then gets its label back.
  function copy(id, btn) {
    const t = $(id);
    const done = (ok) => {
      announce(ok ? 'Copied.' : 'Could not copy: select the text and copy it yourself.');
      if (!btn.dataset.label) btn.dataset.label = btn.textContent;
      btn.textContent = ok ? 'Copied' : 'Copy failed';
      clearTimeout(btn.copyTimer);
      btn.copyTimer = setTimeout(() => { btn.textContent = btn.dataset.label; }, 2000);
    };
    (navigator.clipboard ? navigator.clipboard.writeText(t.value) : Promise.reject()).then(
      () => done(true), () => { t.select(); let ok = false; try { ok = document.execCommand('copy'); } catch (e) { ok = false; } done(ok); });
  }
  $('copy-body').addEventListener('click', () => copy('batch-body', $('copy-body')));
  $('copy-curl').addEventListener('click', () => copy('batch-curl', $('copy-curl')));

  // ---------------------------------------------------------------- ledger (survives reload)
  // Per run: where it went and, per batch, its number, size, key (a hash of its emails, made by the
  // core), first and last email, state, uuid, counts and message. Never the key, never the other
  // prospect fields, not even the full email list: enough to show what happened, to recognise the
  // same batches in a re-loaded file and to resend them. The emails of a batch stay in memory only.
  // Runs are merged into storage one by one (by id), so two tabs do not overwrite each other.
  const LEDGER = 'pe.ledger.v2';
  // This tab's id survives a reload of the tab (sessionStorage), so its own interrupted run is
  // recognised at once, while a run that another open tab is sending is left alone.
  const TAB = (() => {
    try {
      const t = sessionStorage.getItem('pe.tab') || Math.random().toString(36).slice(2);
      sessionStorage.setItem('pe.tab', t);
      return t;
    } catch (e) { return Math.random().toString(36).slice(2); }
  })();
  const STALE_MS = 30000;   // a run whose tab has not written for this long is no longer running
  // The runs in storage that have the expected shape (web/stored.js); the others are dropped.
  function readRuns() {
    let text = null;
    try { text = localStorage.getItem(LEDGER); } catch (e) { return []; }
    const r = PE_STORED.readLedger(text);
    if (r.dropped) noteDropped('ledger', r.dropped);
    return r.runs;
  }
  const stored = (k, v) => (k === 'emails' || k === 'planIndex' || k === 'queuedBefore' || k === 'wasUnconfirmed' ? undefined : v);
  let ledgerWarned = false;
  function saveRun(run) {
    if (!run) return;
    if (run.owner === TAB) run.heartbeat = Date.now();
    let runs = readRuns().filter((r) => r.id !== run.id);
    runs.push(JSON.parse(JSON.stringify(run, stored)));
    runs.sort((a, b) => (a.created < b.created ? -1 : 1));
    runs = runs.slice(-20);
    // Full storage: drop the oldest runs (never this one) until it fits; say so if it never does.
    for (;;) {
      try { localStorage.setItem(LEDGER, JSON.stringify({ runs })); return; } catch (e) {
        if (runs.length > 1) { runs.splice(runs[0].id === run.id ? 1 : 0, 1); continue; }
        if (!ledgerWarned) {
          ledgerWarned = true;
          showAlert('This browser could not save the progress of this run (its storage is full or off). Keep this tab open until the run ends, and download the report afterwards.');
        }
        return;
      }
    }
  }
  // At start-up: runs left by a closed tab, or by this tab before a reload: a batch it was sending
  // was never confirmed; waiting ones were not sent.
  function settleStale(run) {
    if (run.owner !== TAB && Date.now() - (run.heartbeat || 0) < STALE_MS) return false;
    let changed = false;
    for (const b of run.batches) {
      if (b.state === 'sending') { b.state = 'unconfirmed'; b.message = 'The page was closed while this batch was being sent; its outcome is unknown. Look up its emails, or send it again (already-queued emails are not charged twice).'; changed = true; }
      else if (b.state === 'waiting') { b.state = 'not_sent'; b.message = 'The page was closed before this batch was sent.'; changed = true; }
    }
    return changed;
  }
  // What was dropped is written back without it, so that it is reported once, not at every start.
  if (PE_STORED.readLedger((() => { try { return localStorage.getItem(LEDGER); } catch (e) { return null; } })()).dropped) {
    try { localStorage.setItem(LEDGER, JSON.stringify({ runs: readRuns() })); } catch (e) { /* storage off or full */ }
  }
  for (const run of readRuns()) if (settleStale(run)) saveRun(run);
  let current = readRuns().slice(-1)[0] || null;  // the run being shown
  let running = false;
  let heartbeat = null;
  const liveElsewhere = (run) => run && run.owner !== TAB && Date.now() - (run.heartbeat || 0) < STALE_MS &&
    run.batches.some((b) => b.state === 'sending' || b.state === 'waiting');

  const STATE_TEXT = { sent: 'sent', failed: 'failed', not_sent: 'not sent', sending: 'sending…', unconfirmed: 'unconfirmed', waiting: 'waiting', partial: 'partly queued' };
  // A partly queued batch can be sent again in full: its already-queued emails are not queued twice.
  const RESENDABLE = ['failed', 'not_sent', 'unconfirmed', 'partial'];
  let planKeys = new Map();  // key -> emails of the loaded file's batches (filled when a plan with keys is made)
  const emailsOf = (b) => b.emails || planKeys.get(b.key) || null;
  function renderBatches() {
    const tb = $('batches');
    tb.replaceChildren();
    if (!current) return;
    for (const b of current.batches) {
      let result = b.message || '';
      if (b.uuid) result = 'uuid ' + b.uuid + ' — ' + result;
      const tr = el('tr', { class: 'b-' + b.state },
        el('td', { text: String(b.index + 1) }), el('td', { text: String(b.count) }),
        el('td', { text: STATE_TEXT[b.state] || b.state }), el('td', {}, el('span', { text: result })));
      if (b.uuid) {
        tr.lastChild.append(' ', el('button', { type: 'button', class: 'link', text: 'Track', 'aria-label': 'Track batch ' + (b.index + 1),
          onclick: () => { $('track-uuid').value = b.uuid; trackUuid(current.baseUrl); } }));
      } else if (['sent', 'failed', 'unconfirmed'].includes(b.state) && emailsOf(b)) {
        // No uuid to track (nothing queued, or the answer was lost): find its emails' batches instead.
        tr.lastChild.append(' ', el('button', { type: 'button', class: 'link', text: 'Look up', 'aria-label': 'Look up the emails of batch ' + (b.index + 1),
          onclick: () => { $('lookup-emails').value = emailsOf(b).join(', '); lookupEmails(current.baseUrl); } }));
      }
      tb.append(tr);
    }
    const resendable = current.batches.filter((b) => RESENDABLE.includes(b.state));
    $('resend-btn').hidden = running || liveElsewhere(current) || !resendable.length || !state || !state.ok;
    $('resend-btn').textContent = 'Send ' + counted(resendable.length, 'failed or unsent batch', 'failed or unsent batches');
    if (liveElsewhere(current) && !running) $('progress-text').textContent = 'This run is still in progress in another tab of this browser.';
    renderRunNote(resendable);
  }
  // Above the batches table: which run it shows (file, date) and what is left to do, in words.
  function renderRunNote(resendable) {
    const note = $('run-note');
    note.hidden = !current;
    if (!current) { note.textContent = ''; return; }
    const file = current.file || 'the same file';
    let text = 'Run of ' + file + ', started ' + new Date(current.created).toLocaleString() + '.';
    if (!running && !liveElsewhere(current) && resendable && resendable.length) {
      const n = counted(resendable.length, 'batch', 'batches') + (resendable.length === 1 ? ' that was' : ' that were') + ' not sent';
      text += state && state.ok ? ' Use “' + $('resend-btn').textContent + '” to send the ' + n + ' (with ' + file + ' loaded).'
        : ' Load ' + file + ' again to send the ' + n + '.';
    }
    note.textContent = text;
  }

  // The loaded file's batches with their keys and emails (computed on demand: it takes a moment on
  // large files).
  async function keyedPlan() {
    const p = await call('batchPlan', { emails: true });
    planKeys = new Map(p.map((b) => [b.key, b.emails]));
    return p;
  }
  // Batches of this plan already sent (or partly queued) from this browser, in any earlier run.
  function alreadySent(p) {
    const sent = new Map();
    for (const run of readRuns()) for (const b of run.batches) if (b.state === 'sent' && b.key) sent.set(b.key, run);
    return p.filter((b) => sent.has(b.key)).map((b) => ({ plan: b, run: sent.get(b.key) }));
  }
  // Batches of this plan that another tab of this browser is sending right now: in a live run (its
  // heartbeat is fresh) and waiting or being sent there. Sending them here too would queue them twice.
  function inFlightElsewhere(p) {
    const busy = new Map();
    for (const run of readRuns()) {
      if (!liveElsewhere(run)) continue;
      for (const b of run.batches) if (b.key && (b.state === 'waiting' || b.state === 'sending')) busy.set(b.key, run);
    }
    return p.filter((b) => busy.has(b.key)).map((b) => ({ plan: b, run: busy.get(b.key) }));
  }
  // Says so beside the queue button, naming the other tab's run; true when something is in flight.
  function blockedByOtherTab(p, what) {
    const busy = inFlightElsewhere(p);
    if (!busy.length) return false;
    const r = busy[0].run;
    setQueueNote(counted(busy.length, 'batch', 'batches') + ' of ' + what + (busy.length === 1 ? ' is' : ' are') +
      ' being sent right now by another tab of this browser (the run of ' + (r.file || 'a file') + ', started ' + new Date(r.created).toLocaleString() +
      '), so nothing was sent. Wait until that run has finished, or cancel it in that tab, then try again: batches it has sent are left out.');
    return true;
  }

  // Both ways of spending credits (queue, resend) ask first, and so does clearing the history;
  // confirmAction is what the yes button does. The dialog opens on the safe button (Back).
  let confirmAction = null;
  function askToConfirm(title, text, yesLabel, action) {
    $('confirm-h').textContent = title;
    $('confirm-text').textContent = text;
    $('confirm-yes').textContent = yesLabel;
    confirmAction = action;
    $('confirm').showModal();
    $('confirm-no').focus();
  }
  // After a run starts, keyboard focus goes to its Cancel button (the queue button is disabled).
  function focusRun() { ($('cancel-btn').hidden ? $('progress-text') : $('cancel-btn')).focus(); }
  // The note beside the queue button says why nothing was queued; "Queue them again anyway" is
  // offered when every batch of the file was already sent from this browser.
  let againPlan = null;
  function setQueueNote(text, again) {
    $('queue-note').textContent = text;
    againPlan = again || null;
    $('queue-again').hidden = !again;
  }
  // The checked base URL for sending (Settings', or a stored run's), or null after saying why not.
  function readyToSend(stored) {
    if (!requestKey()) return null;
    if (stored !== undefined) return requestBase(stored, 'The API base URL stored with this run');
    if (!baseUrl()) { showAlert('Enter the API base URL in Settings first.'); $('base-url').focus(); return null; }
    return requestBase(baseUrl(), 'The API base URL in Settings');
  }
  function newRun(todo) {
    // Checked again on "Queue now": another tab may have started sending meanwhile.
    const base = readyToSend();
    if (!base || blockedByOtherTab(todo, 'this file')) return;
    current = {
      id: Date.now().toString(36) + TAB.slice(0, 4), owner: TAB, heartbeat: Date.now(), created: new Date().toISOString(), baseUrl: base, file: inputName,
      batches: todo.map((b) => ({ index: b.index, count: b.count, key: b.key, first: b.emails[0], last: b.emails[b.emails.length - 1], emails: b.emails,
        planIndex: b.index, state: 'waiting', uuid: null, message: '' })),
    };
    startRun(current.batches);
    focusRun();
  }
  $('queue-btn').addEventListener('click', async () => {
    setQueueNote('');
    if (running) return;
    if (!state || !state.ok || !state.summary) {
      setQueueNote('There is no valid file loaded, so there is nothing to queue yet.' +
        (current && current.file ? ' To send what is left of the last run, load ' + current.file + ' again.' : ' Paste or upload your export first.'));
      return;
    }
    const base = readyToSend();
    if (!base) return;
    const s = state.summary;
    const p = await keyedPlan();
    // Never twice at once: not while another tab is sending any of these batches.
    if (blockedByOtherTab(p, 'this file')) return;
    // Never repeat blindly: batches identical to ones already sent from this browser are left out.
    const dup = alreadySent(p);
    const skip = new Set(dup.map((d) => d.plan.index));
    const todo = p.filter((b) => !skip.has(b.index));
    const prospects = todo.reduce((n, b) => n + b.count, 0);
    if (!todo.length) {
      const when = new Date(dup[0].run.created).toLocaleString();
      setQueueNote((p.length === 1 ? 'The only batch' : 'All ' + counted(p.length, 'batch', 'batches')) + ' of this file ' + (p.length === 1 ? 'was' : 'were') +
        ' already sent from this browser, on ' + when + (p.length === 1 ? '. Track it below, or queue it again.' : '. Track them below, or queue them again.'), { plan: p, when });
      return;
    }
    askToConfirm('Queue prospects for enrichment?', 'Queue ' + counted(prospects, 'prospect') + ' in ' + counted(todo.length, 'batch', 'batches') + ' to ' + base +
      '? This can use up to ' + credits(1.5 * prospects) + ' credits (1.5 per prospect, charged only when enrichment finds data).' +
      (s.invalid + s.duplicates ? ' ' + counted(s.invalid + s.duplicates, 'invalid or duplicate row') + (s.invalid + s.duplicates === 1 ? ' is' : ' are') + ' left out.' : '') +
      (dup.length ? ' ' + counted(dup.length, 'batch', 'batches') + ' identical to ones already sent from this browser ' + (dup.length === 1 ? 'is' : 'are') + ' left out too.' : ''),
    'Queue now', () => newRun(todo));
  });
  // Every batch was sent before: the user may insist, through the same confirmation.
  $('queue-again').addEventListener('click', () => {
    if (!againPlan || running) return;
    const base = readyToSend();
    if (!base) return;
    const { plan: p, when } = againPlan;
    if (blockedByOtherTab(p, 'this file')) return;
    const prospects = p.reduce((n, b) => n + b.count, 0);
    askToConfirm('Queue these prospects again?', 'Queue all ' + counted(prospects, 'prospect') + ' in ' + counted(p.length, 'batch', 'batches') + ' to ' + base +
      ' again? They were already sent from this browser on ' + when + ', and may be charged again once enrichment has finished: up to ' +
      credits(1.5 * prospects) + ' credits (1.5 per prospect, charged only when enrichment finds data). Prospects still pending enrichment are not queued twice.',
    'Queue again', () => { setQueueNote(''); newRun(p); });
  });
  $('confirm-no').addEventListener('click', () => { confirmAction = null; $('confirm').close(); });
  $('confirm-yes').addEventListener('click', async () => {
    $('confirm').close();
    const action = confirmAction;
    confirmAction = null;
    if (action && (!running || action.anyTime)) await action();
  });
  $('resend-btn').addEventListener('click', async () => {
    if (running || !current) return;
    // The run's base URL was read back from storage: it passes the same policy as ?api=.
    const base = readyToSend(current.baseUrl);
    if (!base) return;
    const todo = current.batches.filter((b) => RESENDABLE.includes(b.state));
    if (blockedByOtherTab(todo, 'these batches')) return;
    // Match the ledger's batches to the loaded file by their keys (hashes of their emails).
    const byKey = new Map((await keyedPlan()).map((b) => [b.key, b.index]));
    const missing = todo.filter((b) => !byKey.has(b.key));
    if (missing.length) {
      showAlert(counted(missing.length, 'batch', 'batches') + (missing.length === 1 ? ' does' : ' do') + ' not match the loaded file. Load the same file (and batch size) as when they were queued.');
      return;
    }
    const prospects = todo.reduce((n, b) => n + b.count, 0);
    askToConfirm('Send these batches again?', 'Send ' + counted(todo.length, 'batch', 'batches') + ' again (' + counted(prospects, 'prospect') + ') to ' + base +
      '? This can use up to ' + credits(1.5 * prospects) + ' credits; prospects already queued are not queued or charged twice.', 'Send now', async () => {
      if (!readyToSend(current.baseUrl) || blockedByOtherTab(todo, 'these batches')) return;
      current.owner = TAB;
      for (const b of todo) b.planIndex = byKey.get(b.key);
      startRun(todo);
      focusRun();
    });
  });
  $('cancel-btn').addEventListener('click', () => { call('cancel').catch(() => {}); $('progress-text').textContent = 'Cancelling after the current request…'; });

  let runStats = null;
  // While a run is on, nothing that changes the batches can be touched (the worker refuses too).
  const LOCKED = ['validate-btn', 'sample-btn', 'file-input', 'encoding', 'delimiter', 'batch-size', 'csv-text'];
  function setRunning(on) {
    running = on;
    for (const id of LOCKED) $(id).disabled = on;
    for (const sel of document.querySelectorAll('#columns select')) sel.disabled = on;
    document.body.classList.toggle('running', on);
    clearInterval(heartbeat);
    if (on) heartbeat = setInterval(() => saveRun(current), 5000);
  }
  function startRun(batches) {
    setRunning(true);
    runStats = { total: batches.length, done: 0, retries: 0 };
    showAlert('');
    lastStopMessage = '';
    $('progress-text').textContent = 'Sending ' + counted(batches.length, 'batch', 'batches') + '…';
    // wasUnconfirmed: an earlier attempt's outcome is unknown (its answer was lost): a NOT_ENQUEUED
    // answer now most likely means that attempt queued them.
    for (const b of batches) {
      b.wasUnconfirmed = b.state === 'unconfirmed';
      b.state = 'waiting'; b.message = 'waiting to be sent'; b.queuedBefore = b.counts ? b.counts.queued : 0;
    }
    $('queue-btn').disabled = true;
    $('cancel-btn').hidden = false;
    $('progress-wrap').hidden = false;
    $('progress').max = batches.length;
    $('progress').value = 0;
    renderBatches();
    saveRun(current);
    // The worker answers at once and then reports the run by events, ending with 'finished'. If it
    // refuses to start the run, the run ends here with its reason.
    call('send', { baseUrl: current.baseUrl, apiKey: apiKey(), timeoutMs: timeoutMs(),
      batches: batches.map((b) => ({ id: current.batches.indexOf(b), index: b.planIndex })) })
      .catch((e) => { if (running && !(e && e.engine)) finishRun('error', wordsOf(e && e.message)); });
    announce('Sending ' + counted(batches.length, 'batch', 'batches') + '.');
  }

  // The end of a run, however it ended: the data unlocks, batches still waiting are not sent (or
  // stay unconfirmed when an earlier run left them so), the ledger is saved and the result said.
  function finishRun(stopReason, message) {
    if (!running) return;
    setRunning(false);
    // Focus on the Cancel button that goes away moves to the run's result, not to <body>.
    if (document.activeElement === $('cancel-btn')) $('progress-text').focus();
    $('cancel-btn').hidden = true;
    $('queue-btn').disabled = !state || !state.ok || state.summary.valid === 0;
    for (const b of current.batches) {
      if (b.state !== 'waiting') continue;
      if (b.wasUnconfirmed) {
        b.state = 'unconfirmed';
        b.message = notSentReason(stopReason) + ' This batch was sent in an earlier run and that answer was lost: look up its emails before sending it again.';
      } else { b.state = 'not_sent'; b.message = notSentReason(stopReason); }
    }
    saveRun(current);
    renderBatches();
    const c = countStates();
    const queued = current.batches.reduce((n, b) => n + (b.counts ? b.counts.queued : 0), 0);
    const prospects = current.batches.reduce((n, b) => n + b.count, 0);
    const text = 'Finished: ' + c.sent + ' sent, ' + c.failed + ' failed, ' + c.not_sent + ' not sent; ' + fmt(queued) + ' of ' + counted(prospects, 'prospect') + ' queued' +
      (runStats && runStats.retries ? ' (' + counted(runStats.retries, 'retry', 'retries') + ')' : '') + '.' +
      (stopReason ? ' ' + notSentReason(stopReason) : '');
    $('progress-text').textContent = text;
    announce(text);
    if (stopReason === 'error') showAlert('Sending stopped: ' + (message || 'an unexpected error.') + ' ' + notSentReason(stopReason));
    else if (stopReason && stopReason !== 'cancelled') showAlert(lastStopMessage || notSentReason(stopReason));
  }
  // The worker died during a run (its module failed): it can send no more events. A batch it was
  // sending may have reached the API (unconfirmed); the rest were not sent.
  function endRunLocally(message) {
    for (const b of current.batches) {
      if (b.state === 'sending') {
        b.state = 'unconfirmed';
        b.message = 'The page failed while this batch was being sent (' + message + ') Its outcome is unknown: look up its emails before sending it again.';
      }
    }
    finishRun('error', message);
  }

  function onRunEvent(ev) {
    if (!current) return;
    if (ev.kind === 'finished') {
      finishRun(ev.stopReason, ev.message);
      // The module failed for good during the run: a fresh worker takes over.
      if (ev.fatal) engineFailed(ev.message, 'Sending stopped.');
      return;
    }
    const b = current.batches[ev.id];
    if (!b) return;
    if (ev.kind === 'retry') {
      runStats.retries++;
      b.message = ev.message;
      $('progress-text').textContent = (ev.rateLimited ? 'Waiting for the rate limit: ' : 'Retrying: ') + ev.message + ' (retries so far: ' + runStats.retries + ')';
    } else if (ev.kind === 'batch') {
      b.state = ev.state;
      b.message = ev.message || '';
      // Not sent this time, but an earlier run's request for it may have been queued: it stays
      // unconfirmed.
      if (ev.state === 'not_sent' && b.wasUnconfirmed) {
        b.state = 'unconfirmed';
        b.message += ' This batch was sent in an earlier run and that answer was lost: look up its emails before sending it again.';
      }
      if (ev.state === 'sending') b.message = 'attempt ' + ev.attempt;
      if (ev.response && ev.state === 'sent') {
        b.uuid = ev.response.uuid;
        b.status = ev.response.status;
        b.counts = { queued: (b.queuedBefore || 0) + ev.response.prospectsCount, submitted: ev.response.totalProspectsCount };
        b.message = ev.response.status + ': ' + ev.response.prospectsCount + ' of ' + ev.response.totalProspectsCount + ' queued. ' + ev.response.headline + ' ' + ev.response.nextStep;
        // NOT_ENQUEUED after an attempt whose answer was lost (in this run, or an unconfirmed batch
        // sent again): that attempt most likely queued them, so they count as queued.
        if (ev.response.status === 'NOT_ENQUEUED' && (ev.unanswered || b.wasUnconfirmed)) {
          const n = ev.response.totalProspectsCount || b.count;
          b.counts.queued = Math.max(b.counts.queued, n);
          b.message += (ev.unanswered ? ' An earlier attempt of this batch got no answer' : ' This batch was sent before and its answer was lost') +
            '; that attempt most likely queued ' + (n === 1 ? 'its prospect' : 'its ' + fmt(n) + ' prospects') +
            ', so ' + (n === 1 ? 'it is' : 'they are') + ' counted as queued, and nothing is charged twice. Use “Look up” to see their status.';
        }
        if (ev.response.status === 'CREDITS_EXHAUSTED') b.state = 'failed';
        else if (ev.response.status === 'PARTIALLY_ENQUEUED') b.state = 'partial';
        if (ev.attempt > 1) b.message += ' (Sent on attempt ' + ev.attempt + '.)';
        if (b.uuid) addHistory(b);
      }
      if (ev.state !== 'sending') {
        runStats.done++;
        $('progress').value = runStats.done;
        $('progress-text').textContent = 'Batch ' + runStats.done + ' of ' + runStats.total + ' done' + (runStats.retries ? ', ' + counted(runStats.retries, 'retry', 'retries') : '') + '.';
        if (ev.state === 'not_sent' || ev.state === 'failed' || ev.stopSending) lastStopMessage = b.message;
      }
    }
    saveRun(current);
    renderBatches();
  }
  let lastStopMessage = '';
  function notSentReason(r) {
    return { cancelled: 'Cancelled: the remaining batches were not sent.', credits: 'Stopped: not enough credits for the remaining batches; they were not sent.',
      auth: 'Stopped: the API key was refused; the remaining batches were not sent.', blocked: 'Stopped: the API could not be reached; the remaining batches were not sent.',
      too_large: 'Stopped: a batch was too large for the API; the remaining batches were not sent. Lower the batch size in Settings and send them again.',
      error: 'The batches not yet sent were not sent.' }[r] || 'Not sent.';
  }
  function countStates() {
    const c = { sent: 0, failed: 0, not_sent: 0 };
    for (const b of current.batches) c[b.state === 'sent' || b.state === 'partial' ? 'sent' : b.state === 'failed' ? 'failed' : 'not_sent']++;
    return c;
  }

  // ---------------------------------------------------------------- tracking
  const HISTORY = 'pe.history.v1';
  // The history entries in storage that have the expected shape (web/stored.js).
  function storedHistory() { try { return localStorage.getItem(HISTORY); } catch (e) { return null; } }
  function loadHistory() {
    const r = PE_STORED.readHistory(storedHistory());
    if (r.dropped) noteDropped('history', r.dropped);
    return r.entries;
  }
  if (PE_STORED.readHistory(storedHistory()).dropped) {
    try { localStorage.setItem(HISTORY, JSON.stringify(loadHistory())); } catch (e) { /* storage off or full */ }
  }
  function addHistory(b) {
    const h = loadHistory().filter((x) => x.uuid !== b.uuid);
    h.unshift({ uuid: b.uuid, created: new Date().toISOString(), status: b.status, queued: b.counts && b.counts.queued, submitted: b.counts && b.counts.submitted, baseUrl: current.baseUrl });
    try { localStorage.setItem(HISTORY, JSON.stringify(h.slice(0, 200))); } catch (e) { /* ignore */ }
    renderHistory();
  }
  // A status answer saying a batch is finished updates its history entry (which otherwise shows the
  // queue answer's status).
  function markFinished(uuids) {
    const h = loadHistory();
    let changed = false;
    for (const x of h) if (uuids.includes(x.uuid) && !x.finished) { x.finished = new Date().toISOString(); changed = true; }
    if (!changed) return;
    try { localStorage.setItem(HISTORY, JSON.stringify(h)); } catch (e) { /* ignore */ }
    renderHistory();
  }
  function renderHistory() {
    const ul = $('history');
    ul.replaceChildren();
    const h = loadHistory();
    if (!h.length) ul.append(el('li', { class: 'hint', text: 'No batches queued from this browser yet.' }));
    for (const x of h) {
      ul.append(el('li', {}, el('button', { type: 'button', class: 'link', text: x.uuid, 'aria-label': 'Track batch ' + x.uuid,
        onclick: () => { $('track-uuid').value = x.uuid; trackUuid(x.baseUrl); } }),
        ' — ' + new Date(x.created).toLocaleString() + ', ' + (x.finished ? 'finished' : x.status || 'status unknown') + ', ' +
        (x.queued == null ? '?' : x.queued) + ' of ' + (x.submitted == null ? '?' : x.submitted) + ' queued' +
        (x.baseUrl && x.baseUrl !== baseUrl() ? ' (at ' + x.baseUrl + ')' : '')));
    }
  }
  // Clears what this browser remembers of earlier runs (not a run in progress in this or another
  // tab, nor the history entries of its batches), after asking.
  function clearHistory() {
    const keep = readRuns().filter((r) => (r.owner === TAB && running && current && r.id === current.id) || liveElsewhere(r));
    const kept = new Set();
    for (const r of keep) for (const b of r.batches) if (b.uuid) kept.add(b.uuid);
    try {
      localStorage.setItem(HISTORY, JSON.stringify(loadHistory().filter((x) => kept.has(x.uuid))));
      localStorage.setItem(LEDGER, JSON.stringify({ runs: keep }));
    } catch (e) { /* ignore */ }
    if (!running) { current = keep.slice(-1)[0] || null; renderBatches(); }
    setQueueNote('');
    renderHistory();
    announce(keep.length ? 'History cleared, except the run in progress.' : 'History cleared.');
  }
  clearHistory.anyTime = true;   // allowed during a run: that run is kept
  $('clear-history').addEventListener('click', () => {
    const n = loadHistory().length, runs = readRuns().length;
    askToConfirm('Clear the history?', 'This browser forgets ' + counted(n, 'queued batch', 'queued batches') + ' (their uuids) and ' +
      counted(runs, 'earlier run') + ', so it can no longer warn you before the same batches are queued again. The batches stay queued in Woodpecker.' +
      (running || readRuns().some(liveElsewhere) ? ' The run in progress is kept.' : ''), 'Clear history', clearHistory);
  });
  renderHistory();

  // One status request is shown at a time: a newer track or lookup supersedes an older one (and
  // its polling), and an answer that arrives late for a superseded request is dropped.
  let pollTimer = null;
  let trackSeq = 0;
  // The base URL of a status request: base, when given, was read back from storage (a run's or a
  // history entry's) and is not trusted more than ?api=; else the one in Settings. Null: refused.
  function statusBase(base) {
    const stored = typeof base === 'string' && base;
    return requestBase(stored ? base : baseUrl(), stored ? 'The API base URL stored with this batch' : 'The API base URL in Settings');
  }
  function statusFailed(title, e) {
    const message = wordsOf(e && e.message);
    $('track-result').replaceChildren(el('h3', { text: title }), el('p', { class: 'error', text: message }));
    announce(title + ': ' + message);
  }
  async function trackUuid(base) {
    const uuid = $('track-uuid').value.trim();
    if (!uuid) { showAlert('Enter a batch uuid to track.'); return; }
    const key = requestKey();
    if (!key) return;
    const target = statusBase(base);
    if (!target) return;
    clearTimeout(pollTimer);
    const seq = ++trackSeq;
    let r;
    try { r = await call('status', { baseUrl: target, apiKey: key, timeoutMs: timeoutMs(), uuid }); } catch (e) {
      if (seq === trackSeq) statusFailed('Batch ' + uuid, e);
      return;
    }
    if (seq !== trackSeq) return;
    renderStatus(r, 'Batch ' + uuid);
    const batch = r.parsed && r.parsed.batches.find((b) => b.uuid === uuid);
    if ($('auto-refresh').checked && r.httpStatus >= 200 && r.httpStatus < 300 && !(batch && batch.allFinal)) {
      pollTimer = setTimeout(() => { if (seq === trackSeq) trackUuid(target); }, 5000);
    }
  }
  async function lookupEmails(base) {
    const emails = $('lookup-emails').value.split(/[\s,;]+/).filter(Boolean);
    const key = requestKey();
    if (!key) return;
    const target = statusBase(base);
    if (!target) return;
    clearTimeout(pollTimer);
    const seq = ++trackSeq;
    const title = emails.length ? 'Statuses for ' + emails.join(', ') : 'Recent enrichments';
    let r;
    try { r = await call('status', { baseUrl: target, apiKey: key, timeoutMs: timeoutMs(), emails }); } catch (e) {
      if (seq === trackSeq) statusFailed(title, e);
      return;
    }
    if (seq !== trackSeq) return;
    renderStatus(r, title);
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
          tb.append(el('tr', {}, el('td', { text: p.email }), el('td', { text: p.status }), el('td', { text: p.result || '—' })));
        }
        table.append(tb);
        box.append(el('p', { text: 'Batch ' + b.uuid + (b.created ? ', created ' + localTime(b.created) : '') + (b.status ? ', ' + b.status : '') + (b.allFinal ? ' — finished.' : ' — in progress.') }), el('div', { class: 'table-wrap' }, table));
      }
      markFinished(r.parsed.batches.filter((b) => b.allFinal && b.uuid).map((b) => b.uuid));
      announce(title + ': ' + finalCount + ' of ' + totalCount + ' prospects finished.');
    }
    const details = el('details', {}, el('summary', { text: 'Raw answer (HTTP ' + r.httpStatus + ')' }), el('pre', { class: 'raw', text: r.raw || '(empty)' }));
    box.append(details);
  }

  // ---------------------------------------------------------------- export
  // A BOM so that Excel reads the UTF-8; cells are neutralised against formulas by the core.
  const stem = () => inputName.replace(/\.[^.]*$/, '') || 'prospects';
  $('export-clean').addEventListener('click', async () => {
    download(stem() + '-cleaned.csv', '\uFEFF' + await call('cleanedCsv'));
    announce('Cleaned CSV downloaded.');
  });
  // Outcomes are matched to the loaded file by batch key (a hash of the batch's emails), newest run
  // first: rows of a different file, or of batches changed since, are reported as not sent.
  $('export-report').addEventListener('click', async () => {
    const byKey = new Map();
    for (const run of readRuns().concat(current && running ? [current] : [])) for (const b of run.batches) if (b.key && b.state !== 'waiting') byKey.set(b.key, b);
    const outcomes = [];
    for (const p of byKey.size ? await keyedPlan() : []) {
      const b = byKey.get(p.key);
      if (b) outcomes.push({ index: p.index, state: b.state, uuid: b.uuid || '', status: b.status || '', message: b.message || '' });
    }
    download(stem() + '-report.csv', '\uFEFF' + await call('reportCsv', { outcomes }));
    announce('Report downloaded.');
  });

  // ---------------------------------------------------------------- restore
  renderBatches();
  if (current) $('queue').hidden = false;
  if (current && !liveElsewhere(current) && current.batches.some((b) => RESENDABLE.includes(b.state))) {
    announce('An earlier run from this browser has batches that were not sent. ' + $('run-note').textContent);
  }
  if (apiRefused) startupNotes.unshift(apiRefused);
  started = true;
  if (startupNotes.length) showAlert(startupNotes.join(' '));
})();
