// Queueing: the run being shown and whether this tab is sending it, the confirmations (spending
// credits, clearing the history), starting a run, sending failed and unsent batches again,
// cancelling, the progress and the batches table, and the lock on the data while a run is on. The
// run itself changes only through run.js; it is stored by ledger.js. Defines PE.queue.
'use strict';
(function (PE) {
  const { $, el, announce, showAlert } = PE.util;
  const { credits, counted, fmt } = PE.words;
  const { REQUEST, EVENT, STOP, STATE, STATE_TEXT, RESENDABLE } = PE.protocol;
  const { call, wordsOf } = PE.engine;
  const ledger = PE.ledger;
  let current = null;        // the run being shown
  let running = false;       // this tab is sending it
  let heartbeat = null;      // saves the run every few seconds while it is sent
  let confirmAction = null;  // {action, anyTime}: what the dialog's yes button does
  let againPlan = null;      // {when}: "Queue them again anyway" is offered (when: the date it names)
  let planKeys = new Map();  // key -> emails of the loaded file's batches (filled when a plan with keys is made)
  let planHashes = new Map(); // key -> hashes of the prospects that batch of the plan sends (sent.js)
  // Batches that may have reached the API but have no uuid to track: their emails can be looked up.
  const LOOK_UP = [STATE.sent, STATE.failed, STATE.unconfirmed];
  const emailsOf = (b) => b.emails || planKeys.get(b.key) || null;
  const resendable = (run) => run.batches.filter((b) => RESENDABLE.includes(b.state));
  const prospectsOf = (batches) => batches.reduce((n, b) => n + b.count, 0);
  // "up to 3 credits (1.5 per prospect, charged only when enrichment finds data)."
  const rate = () => PE.constants.credits_per_prospect;
  const ceiling = (prospects) => credits(rate() * prospects) + ' credits';
  const charged = () => ' (' + credits(rate()) + ' per prospect, charged only when enrichment finds data).';

  // A run of up to LIST_ALL batches lists each in order; a larger one is grouped (a row per state,
  // with the batches that need attention listed first, up to LIST_SOME of each state), so that the
  // page stays small and quick for runs of thousands of batches.
  const LIST_ALL = 50;
  const LIST_SOME = 50;
  const ATTENTION = [STATE.unconfirmed, STATE.failed, STATE.partial, STATE.not_sent, STATE.sending];
  function batchRow(b) {
    let result = b.message || '';
    if (b.uuid) result = 'uuid ' + b.uuid + ' — ' + result;
    // role and data-label: on a narrow screen each batch is a card, its values labelled (style.css).
    const tr = el('tr', { class: 'b-' + b.state, role: 'row' },
      el('td', { role: 'cell', 'data-label': 'Batch', text: String(b.index + 1) }), el('td', { role: 'cell', 'data-label': 'Prospects', text: String(b.count) }),
      el('td', { role: 'cell', 'data-label': 'State', text: STATE_TEXT[b.state] || b.state }), el('td', { role: 'cell', 'data-label': 'Result' }, el('span', { text: result })));
    if (b.uuid) {
      tr.lastChild.append(' ', el('button', { type: 'button', class: 'link', text: 'Track', 'aria-label': 'Track batch ' + (b.index + 1),
        onclick: () => { $('track-uuid').value = b.uuid; PE.track.trackUuid(current.baseUrl); } }));
    } else if (LOOK_UP.includes(b.state) && emailsOf(b)) {
      // No uuid to track (nothing queued, or the answer was lost): find its emails' batches instead.
      tr.lastChild.append(' ', el('button', { type: 'button', class: 'link', text: 'Look up', 'aria-label': 'Look up the emails of batch ' + (b.index + 1),
        onclick: () => { $('lookup-emails').value = emailsOf(b).join(', '); PE.track.lookupEmails(current.baseUrl); } }));
    }
    return tr;
  }
  // One row for many batches of a state: how many, their prospects, and what they came to.
  function groupRow(state, list, shown) {
    const prospects = prospectsOf(list);
    const queued = list.reduce((n, b) => n + (b.counts ? b.counts.queued : 0), 0);
    let result;
    if (shown) result = counted(list.length - shown, 'more batch', 'more batches') + ' in this state (listed: the first ' + fmt(shown) + ').';
    else if (state === STATE.sent) result = fmt(queued) + ' of ' + counted(prospects, 'prospect') + ' queued.';
    else if (state === STATE.waiting) result = 'Waiting to be sent.';
    else result = '';
    return el('tr', { class: 'b-' + state + ' b-group', role: 'row' },
      el('td', { role: 'cell', 'data-label': 'Batches', text: shown ? '…' : counted(list.length, 'batch', 'batches') }),
      el('td', { role: 'cell', 'data-label': 'Prospects', text: fmt(shown ? prospectsOf(list.slice(shown)) : prospects) }),
      el('td', { role: 'cell', 'data-label': 'State', text: STATE_TEXT[state] || state }), el('td', { role: 'cell', 'data-label': 'Result', text: result }));
  }
  function render() {
    if (renderTimer !== null) clearTimeout(renderTimer);
    renderTimer = null;
    const tb = $('batches');
    tb.replaceChildren();
    $('run-totals').hidden = !current;
    if (!current) return;
    $('run-totals').textContent = PE.run.totalsText(current, running ? Date.now() : 0);
    if (current.batches.length <= LIST_ALL) {
      for (const b of current.batches) tb.append(batchRow(b));
    } else {
      const byState = new Map();
      for (const b of current.batches) {
        if (!byState.has(b.state)) byState.set(b.state, []);
        byState.get(b.state).push(b);
      }
      for (const state of ATTENTION) {
        const list = byState.get(state) || [];
        for (const b of list.slice(0, LIST_SOME)) tb.append(batchRow(b));
        if (list.length > LIST_SOME) tb.append(groupRow(state, list, LIST_SOME));
      }
      for (const [state, list] of byState) if (!ATTENTION.includes(state)) tb.append(groupRow(state, list, 0));
    }
    renderTracking();
    const todo = resendable(current);
    const elsewhere = ledger.liveElsewhere(current);
    $('resend-btn').hidden = running || elsewhere || !todo.length || !PE.check.usable();
    $('resend-btn').textContent = 'Send ' + counted(todo.length, 'failed or unsent batch', 'failed or unsent batches');
    if (elsewhere && !running) $('progress-text').textContent = 'This run is still in progress in another tab of this browser.';
    renderRunNote(todo);
  }
  // ---- tracking the whole run: each batch with a uuid asked in turn, one request at a time ----
  let tracking = null;                 // {stop} while the run is being tracked
  const results = new Map();           // email -> {uuid, status, result}: the last tracked word on each prospect
  function renderTracking() {
    const text = current ? PE.run.trackText(current) : null;
    $('run-enrichment').hidden = !text;
    $('run-enrichment').textContent = text || '';
    const todo = current ? PE.run.unfinished(current) : [];
    const all = current ? PE.run.trackable(current) : [];
    $('track-run-btn').hidden = !current || running || !!tracking || !todo.length;
    $('track-run-btn').textContent = todo.length === all.length ? 'Track this run' : 'Track the ' + counted(todo.length, 'unfinished batch', 'unfinished batches');
    $('track-run-stop').hidden = !tracking;
    $('results-btn').hidden = !current || running || !PE.check.usable();
  }
  // The loaded file's plan as `run` cut it: without the prospects that earlier runs had confirmed
  // queued to its endpoint and account when it started (it left them out of its batches), so that a
  // batch's emails are the ones it sent. The plan is the whole file again afterwards.
  // Worked out here from the whole plan's emails and their hashes (in the same order), so that the
  // worker's skip set, which a queue confirmation or a run may be using, is left as it is.
  // Returns {emails, hashes}: batch key -> the emails it sent, and their hashes (joined).
  async function planAsSent(run) {
    const found = await PE.sent.confirmed(run.baseUrl, run.keyFp, { run: run.id, created: run.created });
    const earlier = new Set();
    for (let i = 0; i < found.hashes.length; i += 16) earlier.add(found.hashes.substr(i, 16));
    const emails = new Map(), hashes = new Map();
    for (const b of await call(REQUEST.batchPlan, { emails: true })) {
      const keep = [], hs = [];
      b.emails.forEach((e, i) => {
        const h = b.hashes.substr(i * 16, 16);
        if (!earlier.has(h)) { keep.push(e); hs.push(h); }
      });
      emails.set(b.key, keep);
      hashes.set(b.key, hs.join(''));
    }
    return { emails, hashes };
  }
  // The page's run in the core's form (run_ledger.hpp, json_forms.hpp), for the results per row:
  // each batch with its emails (from the loaded file's plan, by the batch's key) and what tracking
  // last said of each. Returns {run, unmatched}: unmatched, the batches the loaded file does not have.
  async function coreRun(run) {
    const plan = await planAsSent(run);
    let unmatched = 0;
    const batches = run.batches.map((b) => {
      const known = b.emails || plan.emails.get(b.key) || null;
      if (!known) unmatched++;
      const emails = (known || []).map((e) => e.toLowerCase());
      const queued = b.counts ? b.counts.queued : 0;
      return {
        index: b.index, state: b.state, attempts: b.state === STATE.waiting ? 0 : 1, uuid: b.uuid || '', queue_status: b.status || '',
        prospects_count: queued, total_prospects_count: (b.counts && b.counts.submitted) || b.count, queued,
        answer_lost: b.state === STATE.unconfirmed, queued_earlier: b.status === 'NOT_ENQUEUED' && queued > 0,
        last_attempt_at: '', message: b.message || '', emails,
        tracks: emails.map((e) => {
          const t = results.get(e);
          return t && t.uuid ? { uuid: t.uuid, status: t.status, result: t.result, asked: true } : { uuid: '', status: '', result: '', asked: false };
        }),
      };
    });
    return { unmatched, run: { id: run.id, endpoint: run.baseUrl || 'unknown', key_fingerprint: run.keyFp || 'unknown', file_fingerprint: '',
      file_name: run.file || '', created: run.created, batch_size: 0, credits_ceiling: 0, tracked_at: '', batches } };
  }
  $('results-btn').addEventListener('click', async () => {
    if (!current) return;
    try {
      const { run, unmatched } = await coreRun(current);
      const csv = await call(REQUEST.resultsCsv, { run });
      PE.util.download(PE.input.stem() + '-results.csv', '\uFEFF' + csv);
      const note = unmatched ? ' ' + counted(unmatched, 'batch', 'batches') + ' of the run ' + (unmatched === 1 ? 'is' : 'are') +
        ' not in the loaded file (another file or batch size): ' + (unmatched === 1 ? 'its' : 'their') + ' rows show as in no run.' : '';
      $('track-run-text').textContent = 'Results per row downloaded' + (PE.run.trackTotals(current).batches ? ' (enrichment as last tracked).' : ' (track the run first to add the enrichment results).') + note;
      announce($('track-run-text').textContent);
    } catch (e) {
      showAlert('The results could not be made: ' + wordsOf(e && e.message));
    }
  });
  // Waits ms, or less when tracking is stopped meanwhile.
  function pause(ms, t) { return new Promise((resolve) => { t.wake = resolve; t.timer = setTimeout(resolve, ms); }); }
  // How long to wait after a 429: the API's Retry-After (seconds or a date), else 2, 4, 8… s, at most a minute.
  function waitAfter429(retryAfter, tries) {
    const secs = Number(retryAfter);
    if (retryAfter !== '' && Number.isFinite(secs) && secs >= 0) return Math.min(secs, 60) * 1000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.min(Math.max(at - Date.now(), 0), 60000);
    return Math.min(2000 * 2 ** (tries - 1), 60000);
  }
  // A status request (what: {uuid} or {emails}), asked again after a 429 as the API says, at most
  // 8 times; null when tracking was stopped meanwhile.
  async function askStatus(t, base, key, what, waiting) {
    for (let tries = 1; ; tries++) {
      const r = await call(REQUEST.status, Object.assign({ baseUrl: base, apiKey: key, timeoutMs: PE.settings.timeoutMs() }, what));
      if (t.stopped) return null;
      if (r.httpStatus !== 429 || tries >= 8) return r;
      const ms = waitAfter429(r.retryAfter, tries);
      $('track-run-text').textContent = 'Tracking: the API asks to slow down (429); waiting ' + PE.run.duration(ms) + ' before ' + waiting + '…';
      await pause(ms, t);
      if (t.stopped) return null;
    }
  }
  const QUERY_CHUNK = 100;             // emails per statuses query (the core's kStatusQueryChunk)
  const SKEW_MS = 15 * 60 * 1000;      // an enrichment older than the run by more than this is an earlier one
  async function trackRun() {
    if (!current || running || tracking) return;
    const key = PE.settings.requestKey();
    if (!key) return;
    const base = PE.settings.requestBase(current.baseUrl, 'The API base URL stored with this run');
    if (!base) return;
    const runId = current.id;
    const todo = PE.run.unfinished(current);
    const polled = todo.filter((id) => current.batches[id].uuid);
    let lookups = todo.filter((id) => !current.batches[id].uuid);
    const t = tracking = { stopped: false, timer: null, wake: null };
    renderTracking();
    const say = (text) => { $('track-run-text').textContent = text; };
    let asked = 0, stopText = '', noEmails = 0;
    const gone = () => t.stopped || !current || current.id !== runId;
    const notAsked = () => 'Tracking stopped: ' + counted(todo.length - asked, 'batch', 'batches') + ' not asked.';
    try {
      // 1. Each batch with a uuid: its enrichment, one request at a time.
      for (const id of polled) {
        if (gone()) { stopText = notAsked(); break; }
        const uuid = current.batches[id].uuid;
        say('Tracking: batch ' + fmt(asked + 1) + ' of ' + fmt(todo.length) + ' (' + (current.batches[id].index + 1) + ')…');
        const r = await askStatus(t, base, key, { uuid }, 'batch ' + fmt(asked + 1) + ' of ' + fmt(todo.length));
        if (!r) { stopText = notAsked(); break; }
        if (r.httpStatus === 404) { asked++; continue; }   // not known (any more): nothing to count
        if (!r.parsed) { stopText = 'Tracking stopped after ' + counted(asked, 'batch', 'batches') + ': ' + (r.message || 'the answer could not be read.'); break; }
        const sb = r.parsed.batches.find((b) => b.uuid === uuid) || r.parsed.batches[0];
        if (sb) {
          current = PE.run.tracked(current, id, sb, Date.now());
          for (const p of sb.prospects) results.set(p.email.toLowerCase(), { uuid, status: p.status, result: p.processing_result || '' });
        }
        asked++;
        if (asked % 25 === 0) { ledger.save(current); renderTracking(); }
      }
      // 2. Batches with no uuid of their own (an answer was lost): their emails looked up, 100 a
      //    request; each email's newest enrichment of this run's time is its own.
      if (!stopText && lookups.length) {
        const plan = await planAsSent(current);
        const emailsBy = new Map();
        for (const id of lookups) {
          const b = current.batches[id];
          const e = b.emails || plan.emails.get(b.key) || null;
          if (e) emailsBy.set(id, e.map((x) => x.toLowerCase())); else noEmails++;
        }
        lookups = [...emailsBy.keys()];
        const all = [...new Set([].concat(...emailsBy.values()))];
        const since = Date.parse(current.created) - SKEW_MS;
        const hits = new Map();   // email -> {uuid, created, prospect}
        for (let i = 0; i < all.length && !stopText; i += QUERY_CHUNK) {
          if (gone()) { stopText = 'Tracking stopped before its look-ups were done.'; break; }
          say('Tracking: looking up the emails of ' + counted(lookups.length, 'batch', 'batches') + ' whose answer was lost (' + fmt(Math.min(i + QUERY_CHUNK, all.length)) + ' of ' + fmt(all.length) + ')…');
          const r = await askStatus(t, base, key, { emails: all.slice(i, i + QUERY_CHUNK) }, 'the next look-up');
          if (!r) { stopText = 'Tracking stopped before its look-ups were done.'; break; }
          if (!r.parsed) { stopText = 'Tracking stopped while looking up emails: ' + (r.message || 'the answer could not be read.'); break; }
          for (const sb of r.parsed.batches) {
            const created = Date.parse(sb.created);
            if (!Number.isNaN(created) && created < since) continue;
            for (const p of sb.prospects) {
              const e = p.email.toLowerCase();
              const had = hits.get(e);
              if (!had || (!Number.isNaN(created) && created > had.created)) hits.set(e, { uuid: sb.uuid, created: Number.isNaN(created) ? 0 : created, prospect: p });
            }
          }
        }
        if (!stopText) {
          for (const [id, emails] of emailsBy) {
            const found = emails.filter((e) => hits.has(e)).map((e) => Object.assign({}, hits.get(e).prospect, { uuid: hits.get(e).uuid }));
            current = PE.run.lookedUp(current, id, found, emails.length, Date.now());
            // Found queued: its prospects are never queued again from here either.
            if (current.batches[id].state === STATE.sent) PE.sent.record(current, id, plan.hashes.get(current.batches[id].key));
            for (const p of found) results.set(p.email.toLowerCase(), { uuid: p.uuid, status: p.status, result: p.processing_result || '' });
          }
          asked += lookups.length;
        }
      }
    } catch (e) {
      stopText = 'Tracking stopped after ' + counted(asked, 'batch', 'batches') + ': ' + wordsOf(e && e.message);
    } finally {
      clearTimeout(t.timer);
      tracking = null;
      if (current && current.id === runId) ledger.save(current);
      render();
    }
    const done = stopText || 'Tracked ' + counted(asked, 'batch', 'batches') + '.';
    const left = current ? PE.run.unfinished(current).length - (stopText ? 0 : noEmails) : 0;
    say(done + (noEmails ? ' ' + counted(noEmails, 'batch', 'batches') + ' whose answer was lost could not be looked up: load the file of this run to look up their emails.' : '') +
      (left > 0 && !stopText ? ' ' + counted(left, 'batch', 'batches') + ' still ' + (left === 1 ? 'has' : 'have') + ' prospects pending: track again later.' : ''));
    announce($('track-run-text').textContent + ' ' + ($('run-enrichment').textContent || ''));
  }
  $('track-run-btn').addEventListener('click', () => { trackRun(); });
  $('track-run-stop').addEventListener('click', () => {
    if (!tracking) return;
    tracking.stopped = true;
    if (tracking.wake) tracking.wake();
  });

  // During a run the table is drawn at most every RENDER_MS (an event per batch would otherwise
  // redraw it thousands of times); the end of the run draws it at once.
  const RENDER_MS = 200;
  let renderTimer = null;
  function renderSoon() {
    if (renderTimer === null) renderTimer = setTimeout(render, RENDER_MS);
  }
  // Above the batches table: which run it shows (file, date) and what is left to do, in words.
  function renderRunNote(todo) {
    const note = $('run-note');
    note.hidden = !current;
    if (!current) { note.textContent = ''; return; }
    const file = current.file || 'the same file';
    let text = 'Run of ' + file + ', started ' + new Date(current.created).toLocaleString() + '.';
    if (!running && !ledger.liveElsewhere(current) && todo.length) {
      const n = counted(todo.length, 'batch', 'batches') + (todo.length === 1 ? ' that was' : ' that were') + ' not sent';
      text += PE.check.usable() ? ' Use “' + $('resend-btn').textContent + '” to send the ' + n + ' (with ' + file + ' loaded).'
        : ' Load ' + file + ' again to send the ' + n + '.';
    }
    note.textContent = text;
  }
  // The cost line and the queue button for the loaded file's summary (null: no usable file).
  function showFile(s) {
    setNote('');
    if (!s) { $('queue-cost').textContent = ''; $('queue-btn').disabled = true; return; }
    $('queue-cost').textContent = counted(s.valid, 'valid prospect') + ' in ' + counted(s.batches, 'batch', 'batches') + '. At most ' +
      credits(s.credits_max) + ' credits' + charged();
    $('queue-btn').textContent = 'Queue ' + counted(s.valid, 'prospect');
    $('queue-btn').disabled = s.valid === 0 || running;
  }

  // The loaded file's batches with their keys and emails (computed on demand: it takes a moment on
  // large files).
  async function keyedPlan() {
    const p = await call(REQUEST.batchPlan, { emails: true });
    planKeys = new Map(p.map((b) => [b.key, b.emails]));
    planHashes = new Map(p.map((b) => [b.key, b.hashes]));
    return p;
  }
  // Leaves out of the loaded file's plan the prospects already confirmed queued from this browser
  // to this endpoint with this key (sent.js), wherever they are in the file now; returns what was
  // found ({count, latest}). skipNone() puts them back: after the run, or when it is not started.
  async function skipConfirmed(base, keyFp) {
    const found = await PE.sent.confirmed(base, keyFp);
    await call(REQUEST.setSkip, { hashes: found.hashes });
    return found;
  }
  const skipNone = () => call(REQUEST.setSkip, { hashes: '' }).catch(() => {});
  // Says so beside the queue button, naming the other tab's run; true when something is in flight.
  function blockedByOtherTab(p, what) {
    const busy = ledger.inFlightElsewhere(p);
    if (!busy.length) return false;
    const r = busy[0].run;
    setNote(counted(busy.length, 'batch', 'batches') + ' of ' + what + (busy.length === 1 ? ' is' : ' are') +
      ' being sent right now by another tab of this browser (the run of ' + (r.file || 'a file') + ', started ' + new Date(r.created).toLocaleString() +
      '), so nothing was sent. Wait until that run has finished, or cancel it in that tab, then try again: batches it has sent are left out.');
    return true;
  }

  // Both ways of spending credits (queue, resend) ask first, and so does clearing the history. The
  // dialog opens on the safe button (Back). anyTime: the action may run during a run.
  function confirm(title, text, yesLabel, action, anyTime) {
    $('confirm-h').textContent = title;
    $('confirm-text').textContent = text;
    $('confirm-yes').textContent = yesLabel;
    confirmAction = { action, anyTime: !!anyTime };
    $('confirm').showModal();
    $('confirm-no').focus();
  }
  // Closed without yes (Back, or Escape): nothing happens, and the plan is the whole file again.
  function dismiss() {
    if (!confirmAction) return;
    confirmAction = null;
    if (!running) skipNone();
  }
  $('confirm').addEventListener('close', dismiss);
  $('confirm-no').addEventListener('click', () => { dismiss(); $('confirm').close(); });
  $('confirm-yes').addEventListener('click', async () => {
    const c = confirmAction;
    confirmAction = null;
    $('confirm').close();
    if (c && (!running || c.anyTime)) await c.action();
  });
  // After a run starts, keyboard focus goes to its Cancel button (the queue button is disabled).
  function focusRun() { ($('cancel-btn').hidden ? $('progress-text') : $('cancel-btn')).focus(); }
  // The note beside the queue button says why nothing was queued; "Queue them again anyway" is
  // offered when every prospect of the file was already sent from this browser.
  function setNote(text, again) {
    $('queue-note').textContent = text;
    againPlan = again || null;
    $('queue-again').hidden = !again;
  }

  // The fingerprint of the key (the core's, as the enrich CLI writes it in its ledger), never the key.
  const keyFingerprint = () => call(REQUEST.keyFingerprint, { apiKey: PE.settings.apiKey() });
  // keyFp: the fingerprint of the key, taken before the confirmation (the dialog is modal, so the
  // key cannot change meanwhile); the run starts at once on "Queue now".
  function newRun(todo, keyFp) {
    // Checked again on "Queue now": another tab may have started sending meanwhile (its runs are
    // read again whenever it writes one: ledger.js).
    const base = PE.settings.readyToSend();
    if (running || !base || blockedByOtherTab(todo, 'this file')) { skipNone(); return; }
    const run = PE.run.create({ id: ledger.newId(), owner: ledger.TAB, now: Date.now(), baseUrl: base, keyFp, file: PE.input.name(), plan: todo });
    start(run, new Map(run.batches.map((b, i) => [i, b.planIndex])));
    focusRun();
  }
  $('queue-btn').addEventListener('click', async () => {
    setNote('');
    if (running) return;
    await ledger.refresh();   // the other tabs' runs as they are now
    const s = PE.check.summary();
    if (!s) {
      setNote('There is no valid file loaded, so there is nothing to queue yet.' +
        (current && current.file ? ' To send what is left of the last run, load ' + current.file + ' again.' : ' Paste or upload your export first.'));
      return;
    }
    const base = PE.settings.readyToSend();
    if (!base) return;
    // Never repeat blindly: prospects already confirmed queued from this browser to this endpoint
    // with this key are left out of the plan (wherever they are in the file now), and so are
    // batches identical to ones sent by runs kept before prospects were (ledger.alreadySent).
    const keyFp = await keyFingerprint();
    const found = await skipConfirmed(base, keyFp);
    const p = await keyedPlan();
    // Never twice at once: not while another tab is sending any of these batches.
    if (blockedByOtherTab(p, 'this file')) { skipNone(); return; }
    const known = p.reduce((n, b) => n + (b.skipped || 0), 0);
    const open = p.filter((b) => b.count > 0);
    const dup = ledger.alreadySent(open, base, keyFp);
    const skip = new Set(dup.map((d) => d.plan.index));
    const todo = open.filter((b) => !skip.has(b.index));
    if (!todo.length) {
      skipNone();
      const all = known + prospectsOf(open);
      const last = dup.length ? dup[0].run : found.latest;
      const when = new Date(last.created).toLocaleString();
      setNote((all === 1 ? 'The only prospect' : 'All ' + counted(all, 'prospect')) + ' of this file ' + (all === 1 ? 'was' : 'were') +
        ' already sent from this browser to ' + base + ', on ' + when + (all === 1 ? '. Track it below, or queue it again.' : '. Track them below, or queue them again.'), { when });
      return;
    }
    const prospects = prospectsOf(todo);
    const left = s.invalid + s.duplicates;
    confirm('Queue prospects for enrichment?', 'Queue ' + counted(prospects, 'prospect') + ' in ' + counted(todo.length, 'batch', 'batches') + ' to ' + PE.settings.endpointName(base) +
      '? This can use up to ' + ceiling(prospects) + charged() +
      (left ? ' ' + counted(left, 'invalid or duplicate row') + (left === 1 ? ' is' : ' are') + ' left out.' : '') +
      (s.excluded ? ' ' + counted(s.excluded, 'row') + ' you excluded ' + (s.excluded === 1 ? 'is' : 'are') + ' left out too.' : '') +
      (known ? ' ' + counted(known, 'prospect') + ' already sent from this browser to this endpoint with this key ' + (known === 1 ? 'is' : 'are') + ' left out too.' : '') +
      (dup.length ? ' ' + counted(dup.length, 'batch', 'batches') + ' identical to ones already sent from this browser ' + (dup.length === 1 ? 'is' : 'are') + ' left out too.' : ''),
    'Queue now', () => newRun(todo, keyFp));
  });
  // Every prospect was sent before: the user may insist, through the same confirmation.
  $('queue-again').addEventListener('click', async () => {
    if (!againPlan || running) return;
    const base = PE.settings.readyToSend();
    if (!base) return;
    const { when } = againPlan;
    await ledger.refresh();
    await skipNone();
    const p = await keyedPlan();
    if (blockedByOtherTab(p, 'this file')) return;
    const keyFp = await keyFingerprint();
    const prospects = prospectsOf(p);
    confirm('Queue these prospects again?', 'Queue all ' + counted(prospects, 'prospect') + ' in ' + counted(p.length, 'batch', 'batches') + ' to ' + base +
      ' again? They were already sent from this browser on ' + when + ', and may be charged again once enrichment has finished: up to ' +
      ceiling(prospects) + charged() + ' Prospects still pending enrichment are not queued twice.',
    'Queue again', () => { setNote(''); newRun(p, keyFp); });
  });
  $('resend-btn').addEventListener('click', async () => {
    if (running || !current) return;
    const run = current;
    // The run's base URL was read back from storage: it passes the same policy as ?api=.
    const base = PE.settings.readyToSend(run.baseUrl);
    if (!base) return;
    const all = resendable(run);
    await ledger.refresh();
    if (running || blockedByOtherTab(all, 'these batches')) return;
    // Match the ledger's batches to the loaded file by their keys (hashes of their emails); what
    // was confirmed queued since (by this run or another) is left out of them.
    await skipConfirmed(run.baseUrl, await keyFingerprint());
    const byKey = new Map((await keyedPlan()).map((b) => [b.key, b]));
    const missing = all.filter((b) => !byKey.has(b.key));
    if (missing.length) {
      skipNone();
      showAlert(counted(missing.length, 'batch', 'batches') + (missing.length === 1 ? ' does' : ' do') + ' not match the loaded file. Load the same file (and batch size) as when they were queued.');
      return;
    }
    // A batch would send more than it was planned with when prospects it left out (queued by
    // another run) are no longer known as sent (that run's history was cleared, or another key is
    // in Settings): it is not sent, so that they are not queued twice.
    const grown = all.filter((b) => byKey.get(b.key).count > b.count);
    if (grown.length) {
      skipNone();
      showAlert(counted(grown.length, 'batch', 'batches') + ' of this run would now send more prospects than ' + (grown.length === 1 ? 'it was' : 'they were') +
        ' planned with: some of ' + (grown.length === 1 ? 'its' : 'their') + ' prospects were queued by another run that this browser no longer has in its history, or with another key. Nothing was sent. Queue the file again instead: the confirmation says what is sent.');
      return;
    }
    const todo = all.filter((b) => byKey.get(b.key).count > 0);
    if (!todo.length) {
      skipNone();
      setNote('Every prospect of ' + (all.length === 1 ? 'that batch' : 'those ' + counted(all.length, 'batch', 'batches')) +
        ' was queued from this browser since, in other batches: there is nothing left to send.');
      return;
    }
    const prospects = todo.reduce((n, b) => n + byKey.get(b.key).count, 0);
    const done = all.length - todo.length;
    confirm('Send these batches again?', 'Send ' + counted(todo.length, 'batch', 'batches') + ' again (' + counted(prospects, 'prospect') + ') to ' + base +
      '? This can use up to ' + ceiling(prospects) + '; prospects already queued are not queued or charged twice.' +
      (done ? ' ' + counted(done, 'batch', 'batches') + (done === 1 ? ' is' : ' are') + ' left out: ' + (done === 1 ? 'its' : 'their') + ' prospects were queued since, in other batches.' : ''),
    'Send now', async () => {
      if (running || !PE.settings.readyToSend(run.baseUrl) || blockedByOtherTab(todo.map((b) => byKey.get(b.key)), 'these batches')) { skipNone(); return; }
      start(run, new Map(todo.map((b) => [run.batches.indexOf(b), byKey.get(b.key).index])));
      focusRun();
    });
  });
  $('cancel-btn').addEventListener('click', () => { call(REQUEST.cancel).catch(() => {}); $('progress-text').textContent = 'Cancelling after the current request…'; });

  // While a run is on, nothing that changes the batches can be touched (the worker refuses too).
  const LOCKED = ['validate-btn', 'sample-btn', 'file-input', 'encoding', 'delimiter', 'header-row', 'sheet-choice', 'batch-size', 'csv-text'];
  function setRunning(on) {
    running = on;
    for (const id of LOCKED) $(id).disabled = on;
    for (const sel of document.querySelectorAll('#columns select')) sel.disabled = on;
    document.body.classList.toggle('running', on);
    clearInterval(heartbeat);
    if (on) heartbeat = setInterval(() => ledger.save(current), 5000);
  }
  // Sends batches of run: picks maps each one's place in the run to its batch in the loaded file.
  function start(run, picks) {
    setRunning(true);
    current = PE.run.begin(run, picks, ledger.TAB, Date.now());
    showAlert('');
    $('progress-text').textContent = 'Sending ' + counted(picks.size, 'batch', 'batches') + '…';
    $('queue-btn').disabled = true;
    $('cancel-btn').hidden = false;
    $('progress-wrap').hidden = false;
    $('progress').max = picks.size;
    $('progress').value = 0;
    render();
    ledger.save(current);
    // Its prospects, so that no other tab sends them meanwhile, whatever batches its file makes.
    ledger.sending(current, [...picks.keys()].map((id) => planHashes.get(current.batches[id].key) || '').join(''));
    // The worker answers at once and then reports the run by events, ending with 'finished'. If it
    // refuses to start the run, the run ends here with its reason.
    call(REQUEST.send, { baseUrl: current.baseUrl, apiKey: PE.settings.apiKey(), timeoutMs: PE.settings.timeoutMs(),
      batches: [...picks].map(([id, index]) => ({ id, index })) })
      .catch((e) => { if (running && !(e && e.engine)) finish(STOP.error, wordsOf(e && e.message)); });
    announce('Sending ' + counted(picks.size, 'batch', 'batches') + '.');
  }

  // The end of a run, however it ended: the data unlocks, batches still waiting are not sent (or
  // stay unconfirmed when an earlier run left them so), the ledger is saved and the result said.
  function finish(stopReason, message) {
    if (!running) return;
    setRunning(false);
    // Focus on the Cancel button that goes away moves to the run's result, not to <body>.
    if (document.activeElement === $('cancel-btn')) $('progress-text').focus();
    $('cancel-btn').hidden = true;
    const s = PE.check.summary();
    $('queue-btn').disabled = !s || s.valid === 0;
    current = PE.run.reduce(current, { kind: EVENT.finished, stopReason });
    ledger.save(current);
    ledger.sent(current);
    render();
    PE.track.renderHistory();
    skipNone();
    const o = PE.run.outcome(current, stopReason, message);
    $('progress-text').textContent = o.text;
    PE.steps.set('track');   // what the run queued can now be tracked (the mark only: the result stays in view)
    announce(o.text);
    if (o.alert) showAlert(o.alert);
  }
  // The worker died during a run: it can send no more events.
  function engineLost(message) {
    if (!running) return;
    current = PE.run.engineLost(current, message);
    finish(STOP.error, message);
  }

  // An event of the worker's run.
  function onEvent(ev) {
    if (!current) return;
    if (ev.kind === EVENT.finished) {
      finish(ev.stopReason, ev.message);
      // The module failed for good during the run: a fresh worker takes over.
      if (ev.fatal) PE.engine.fail(ev.message, 'Sending stopped.');
      return;
    }
    if (!current.batches[ev.id]) return;
    current = PE.run.reduce(current, ev);
    const b = current.batches[ev.id];
    // Confirmed queued (or already pending): its prospects are never queued again from here.
    if (ev.kind === EVENT.batch && ev.response && b.state === STATE.sent) PE.sent.record(current, ev.id, planHashes.get(b.key));
    const line = PE.run.progressText(current, ev);
    if (line !== null) $('progress-text').textContent = line;
    if (ev.kind === EVENT.batch && ev.state !== STATE.sending) $('progress').value = current.progress.done;
    // Saved at every event: a batch that is being sent is on record before its answer can come.
    ledger.save(current);
    // The history shows it under its run (read from the ledger, so after the save).
    if (ev.kind === EVENT.batch && ev.response && ev.state === STATE.sent && b.uuid) PE.track.addHistory(b, current.baseUrl);
    renderSoon();
  }

  // Forgets the earlier runs of this browser: not a run in progress in this or another tab. Returns
  // the runs kept.
  function forgetRuns() {
    const keep = ledger.runs().filter((r) => (r.owner === ledger.TAB && running && current && r.id === current.id) || ledger.liveElsewhere(r));
    ledger.replace(keep);
    if (!running) { current = keep.slice(-1)[0] || null; render(); }
    setNote('');
    return keep;
  }

  // At start-up: the last run of this browser is shown, and said when some of it was not sent.
  function restore() {
    current = ledger.runs().slice(-1)[0] || null;
    render();
    if (!current) return;
    $('queue').hidden = false;
    if (!ledger.liveElsewhere(current) && resendable(current).length) {
      announce('An earlier run from this browser has batches that were not sent. ' + $('run-note').textContent);
    }
  }

  // Another tab's writes were read: the run shown is the ledger's (another tab may have taken it
  // over with a resend), unless this tab is sending it.
  function sync() {
    if (!running && current) {
      const r = ledger.runs().find((x) => x.id === current.id);
      if (r) current = r;
    }
    render();
  }

  PE.queue = {
    render, sync, showFile, setNote, keyedPlan, confirm, onEvent, engineLost, forgetRuns, restore,
    running: () => running,
    hasRun: () => current !== null,
    runInProgress: () => (running ? current : null),
    // email (lower case) -> {uuid, status, result} as last tracked in this page (results per row).
    trackedResults: () => results,
  };
})(window.PE);
