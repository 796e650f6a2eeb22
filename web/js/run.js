// A queue run as data, and what happens to it: a new run from a plan, the start of a send, what
// each event of the worker does to it (reduce), its end, and the words for its progress and its
// outcome. Pure functions: each returns a new run and changes nothing it is given; no page, no
// storage. queue.js keeps the run being shown and hands it to these; ledger.js stores it; the unit
// tests (tests/browser/run.test.js) call them under Node.
// A run: {id, owner, heartbeat, created, baseUrl, file, batches, progress}; a batch: {index,
// count, key, first, last, state, uuid, message, status? (the queue response's queue_status),
// counts?}, and while this page has it in memory: emails, planIndex (its batch in the loaded file),
// queuedBefore and wasUnconfirmed.
// progress: {total, done, retries, stopMessage} of the current send. Only the stored fields are
// written to the ledger (ledger.js leaves out the in-memory ones).
// A classic script that defines PE.run, or module.exports under Node.
(function (root) {
  'use strict';

  const node = typeof module === 'object' && module && module.exports;
  const { EVENT, STOP, STATE, STATE_TEXT, IN_FLIGHT } = node ? require('./protocol.js') : root.PE.protocol;
  const { fmt, counted, credits } = node ? require('./words.js') : root.PE.words;
  const CONSTANTS = (node ? globalThis.PE : root.PE).constants;
  const LOST_BEFORE = ' This batch was sent in an earlier run and that answer was lost: look up its emails before sending it again.';

  // The run's batches with one of them (by its place) changed by fn, which gets a copy.
  function withBatch(run, id, fn) {
    const batches = run.batches.slice();
    const b = Object.assign({}, batches[id]);
    fn(b);
    batches[id] = b;
    return Object.assign({}, run, { batches });
  }
  // The run with each batch replaced by fn(a copy of it, its place).
  const mapBatches = (run, fn) => Object.assign({}, run, { batches: run.batches.map((b, i) => fn(Object.assign({}, b), i)) });

  // A new run of the batches of a plan ({index, count, key, emails} each).
  // keyFp: the key's fingerprint (the core's key_fingerprint: a prefix of its SHA-256, never the key),
  // so that "already sent" is a matter of the same endpoint and account.
  function create({ id, owner, now, baseUrl, keyFp, file, plan }) {
    return {
      id, owner, heartbeat: now, created: new Date(now).toISOString(), baseUrl, keyFp: keyFp || '', file,
      batches: plan.map((b) => ({ index: b.index, count: b.count, key: b.key, first: b.emails[0], last: b.emails[b.emails.length - 1], emails: b.emails,
        planIndex: b.index, state: STATE.waiting, uuid: null, message: '' })),
    };
  }

  // A send starts: picks maps the place of each batch to send to its batch in the loaded file. Those
  // batches wait; the run belongs to owner (the tab that sends it). wasUnconfirmed: an earlier
  // attempt's outcome is unknown (its answer was lost), so a NOT_ENQUEUED answer now most likely
  // means that attempt queued them.
  // now: when the send starts (ms), for its elapsed time and the estimate of the time left.
  function begin(run, picks, owner, now) {
    const next = mapBatches(run, (b, i) => (!picks.has(i) ? b : Object.assign(b, { planIndex: picks.get(i), wasUnconfirmed: b.state === STATE.unconfirmed,
      state: STATE.waiting, message: 'waiting to be sent', queuedBefore: b.counts ? b.counts.queued : 0 })));
    return Object.assign(next, { owner, progress: { total: picks.size, done: 0, retries: 0, stopMessage: '', started: now || 0 } });
  }

  // What the queue answer of a sent batch does to it (b is a copy).
  function takeResponse(b, ev) {
    const r = ev.response;
    b.uuid = r.uuid;
    b.status = r.queue_status;
    b.counts = { queued: (b.queuedBefore || 0) + r.prospects_count, submitted: r.total_prospects_count };
    b.message = r.queue_status + ': ' + r.prospects_count + ' of ' + r.total_prospects_count + ' queued. ' + r.headline + ' ' + r.next_step;
    // NOT_ENQUEUED after an attempt whose answer was lost (in this run, or an unconfirmed batch sent
    // again): that attempt most likely queued them, so they count as queued.
    if (r.queue_status === 'NOT_ENQUEUED' && (ev.unanswered || b.wasUnconfirmed)) {
      const n = r.total_prospects_count || b.count;
      b.counts.queued = Math.max(b.counts.queued, n);
      b.message += (ev.unanswered ? ' An earlier attempt of this batch got no answer' : ' This batch was sent before and its answer was lost') +
        '; that attempt most likely queued ' + (n === 1 ? 'its prospect' : 'its ' + fmt(n) + ' prospects') +
        ', so ' + (n === 1 ? 'it is' : 'they are') + ' counted as queued, and nothing is charged twice. Use “Look up” to see their status.';
    }
    if (r.queue_status === 'CREDITS_EXHAUSTED') b.state = STATE.failed;
    else if (r.queue_status === 'PARTIALLY_ENQUEUED') b.state = STATE.partial;
    if (ev.attempt > 1) b.message += ' (Sent on attempt ' + ev.attempt + '.)';
  }

  // The run after an event of the worker: a batch's new state or a retry (ev.id: the batch's place
  // in the run), or the end of the send.
  function reduce(run, ev) {
    if (ev.kind === EVENT.finished) return finish(run, ev.stopReason);
    if (!run.batches[ev.id]) return run;
    const progress = Object.assign({}, run.progress);
    if (ev.kind === EVENT.retry) {
      progress.retries++;
      return Object.assign(withBatch(run, ev.id, (b) => { b.message = ev.message; }), { progress });
    }
    if (ev.kind !== EVENT.batch) return run;
    const next = withBatch(run, ev.id, (b) => {
      b.state = ev.state;
      b.message = ev.message || '';
      // Not sent this time, but an earlier run's request for it may have been queued: it stays
      // unconfirmed.
      if (ev.state === STATE.not_sent && b.wasUnconfirmed) {
        b.state = STATE.unconfirmed;
        b.message += LOST_BEFORE;
      }
      if (ev.state === STATE.sending) b.message = 'attempt ' + ev.attempt;
      if (ev.response && ev.state === STATE.sent) takeResponse(b, ev);
      if (ev.state !== STATE.sending) {
        progress.done++;
        if (ev.state === STATE.not_sent || ev.state === STATE.failed || ev.stopSending) progress.stopMessage = b.message;
      }
    });
    next.progress = progress;
    return next;
  }

  // Why the batches left waiting were not sent, by the reason the run stopped.
  function stopText(reason) {
    return {
      [STOP.cancelled]: 'Cancelled: the remaining batches were not sent.',
      [STOP.credits]: 'Stopped: not enough credits for the remaining batches; they were not sent.',
      [STOP.auth]: 'Stopped: the API key was refused; the remaining batches were not sent.',
      [STOP.blocked]: 'Stopped: the API could not be reached; the remaining batches were not sent.',
      [STOP.too_large]: 'Stopped: a batch was too large for the API; the remaining batches were not sent. Lower the batch size in Settings and send them again.',
      [STOP.error]: 'The batches not yet sent were not sent.',
    }[reason] || 'Not sent.';
  }

  // The end of a send, however it ended: batches still waiting were not sent (or stay unconfirmed
  // when an earlier run left them so).
  function finish(run, stopReason) {
    return mapBatches(run, (b) => {
      if (b.state !== STATE.waiting) return b;
      if (b.wasUnconfirmed) return Object.assign(b, { state: STATE.unconfirmed, message: stopText(stopReason) + LOST_BEFORE });
      return Object.assign(b, { state: STATE.not_sent, message: stopText(stopReason) });
    });
  }

  // The worker died during a send (its module failed): it can send no more events. A batch it was
  // sending may have reached the API (unconfirmed); the end of the send (a 'finished' event given
  // by the page) then says the rest were not sent.
  function engineLost(run, message) {
    return mapBatches(run, (b) => (b.state !== STATE.sending ? b : Object.assign(b, { state: STATE.unconfirmed,
      message: 'The page failed while this batch was being sent (' + message + ') Its outcome is unknown: look up its emails before sending it again.' })));
  }

  // A run left by a closed tab, or by this tab before a reload: a batch it was sending was never
  // confirmed; waiting ones were not sent. The same run when nothing changes.
  function settle(run) {
    if (!run.batches.some((b) => IN_FLIGHT.includes(b.state))) return run;
    return mapBatches(run, (b) => {
      if (b.state === STATE.sending) return Object.assign(b, { state: STATE.unconfirmed, message: 'The page was closed while this batch was being sent; its outcome is unknown. Look up its emails, or send it again (already-queued emails are not charged twice).' });
      if (b.state === STATE.waiting) return Object.assign(b, { state: STATE.not_sent, message: 'The page was closed before this batch was sent.' });
      return b;
    });
  }

  // The line under the progress bar after an event, or null when it does not change.
  function progressText(run, ev) {
    const p = run.progress;
    if (!p || !run.batches[ev.id]) return null;
    if (ev.kind === EVENT.retry) return (ev.rateLimited ? 'Waiting for the rate limit: ' : 'Retrying: ') + ev.message + ' (retries so far: ' + p.retries + ')';
    if (ev.kind === EVENT.batch && ev.state !== STATE.sending) {
      return 'Batch ' + p.done + ' of ' + p.total + ' done' + (p.retries ? ', ' + counted(p.retries, 'retry', 'retries') : '') + '.';
    }
    return null;
  }

  // "1 min 05 s", "12 s", "2 h 03 min".
  function duration(ms) {
    const t = Math.max(0, Math.round(ms / 1000));
    if (t < 60) return t + ' s';
    const m = Math.floor(t / 60), sec = t % 60;
    if (m < 60) return m + ' min ' + String(sec).padStart(2, '0') + ' s';
    return Math.floor(m / 60) + ' h ' + String(m % 60).padStart(2, '0') + ' min';
  }

  // The whole run in numbers: batches by state, prospects (all, queued) and, for each state, its
  // batches' prospects; notQueued: the prospects not queued, by where they stand (as the core's
  // prospect states say it: a sent batch's prospects the API did not queue were already pending;
  // which prospects of a partly queued batch were queued is not known until it is tracked).
  function totals(run) {
    const byState = {};
    const notQueued = { already_pending: 0, failed: 0, unconfirmed: 0, not_sent: 0, waiting: 0 };
    let prospects = 0, queued = 0;
    for (const b of run.batches) {
      const t = byState[b.state] || (byState[b.state] = { batches: 0, prospects: 0 });
      t.batches++;
      t.prospects += b.count;
      prospects += b.count;
      const q = Math.min(b.counts ? b.counts.queued : 0, b.count);
      queued += q;
      const rest = b.count - q;
      if (b.state === STATE.sent) notQueued.already_pending += rest;
      else if (b.state === STATE.failed) notQueued.failed += rest;
      else if (b.state === STATE.partial || b.state === STATE.unconfirmed || b.state === STATE.sending) notQueued.unconfirmed += rest;
      else if (b.state === STATE.waiting) notQueued.waiting += rest;
      else notQueued.not_sent += rest;
    }
    return { batches: run.batches.length, byState, prospects, queued, notQueued };
  }
  // The words of those that match a batch state are the state's (PE.protocol).
  const stateWords = (s) => (STATE_TEXT[s] || s).replace(/…$/, '');
  const NOT_QUEUED_WORDS = { already_pending: 'already pending', failed: stateWords(STATE.failed), unconfirmed: 'not confirmed',
    not_sent: stateWords(STATE.not_sent), waiting: stateWords(STATE.waiting) };

  // One line for the whole run: "389 batches: 380 sent, 2 failed, 7 waiting · 19,000 of 19,450
  // prospects queued (100 failed, 350 waiting) · 3 min 12 s, about 20 s left". now: for the time of a send in progress
  // (0: the run is not being sent; no times are said).
  const ORDER = [STATE.sent, STATE.partial, STATE.failed, STATE.unconfirmed, STATE.not_sent, STATE.sending, STATE.waiting];
  function totalsText(run, now) {
    const t = totals(run);
    const parts = ORDER.concat(Object.keys(t.byState).filter((k) => !ORDER.includes(k)))
      .filter((k) => t.byState[k]).map((k) => fmt(t.byState[k].batches) + ' ' + stateWords(k));
    const rest = Object.keys(NOT_QUEUED_WORDS).filter((k) => t.notQueued[k]).map((k) => fmt(t.notQueued[k]) + ' ' + NOT_QUEUED_WORDS[k]);
    let text = counted(t.batches, 'batch', 'batches') + ': ' + parts.join(', ') + ' · ' + fmt(t.queued) + ' of ' + counted(t.prospects, 'prospect') + ' queued' +
      (rest.length ? ' (' + rest.join(', ') + ')' : '');
    const p = run.progress;
    if (now && p && p.started) {
      const spent = now - p.started;
      text += ' · ' + duration(spent);
      // The time left at the rate seen so far (after a few batches, so that it means something).
      if (p.done >= 3 && p.done < p.total) text += ', about ' + duration((spent / p.done) * (p.total - p.done)) + ' left';
    }
    return text + '.';
  }

  // What a status answer says of one of the run's batches (id: its place): sb is the answer's
  // batch ({uuid, prospects: [{email, status, processing_result, final}]}). The batch keeps the
  // counts (tracked: {at, total, pending, results: {RESULT: n}}); the prospects themselves are the
  // caller's (results per row).
  function tracked(run, id, sb, now) {
    if (!run.batches[id]) return run;
    return withBatch(run, id, (b) => {
      const results = {};
      let pending = 0;
      for (const p of sb.prospects) {
        if (!p.final) { pending++; continue; }
        const k = p.processing_result || p.status || 'UNKNOWN';
        results[k] = (results[k] || 0) + 1;
      }
      b.tracked = { at: new Date(now).toISOString(), total: sb.prospects.length, pending, results };
    });
  }
  // Batches with no enrichment of their own to ask about whose prospects may be queued anyway: an
  // answer was lost (unconfirmed), NOT_ENQUEUED after a lost answer, or partly queued. Tracking
  // looks their emails up (the statuses query).
  const byLookup = (b) => !b.uuid && (b.state === STATE.unconfirmed || b.state === STATE.partial ||
    (b.state === STATE.sent && b.counts && b.counts.queued > 0));
  // The batches of a run that tracking asks about (a uuid, or by look-up), and which of them are not
  // finished as last tracked (never tracked, or with prospects pending).
  const trackable = (run) => run.batches.map((b, i) => i).filter((i) => run.batches[i].uuid || byLookup(run.batches[i]));
  const unfinished = (run) => trackable(run).filter((i) => !run.batches[i].tracked || run.batches[i].tracked.pending > 0);

  // What the look-up of a batch's emails found (found: one {uuid, status, processing_result, final}
  // per email that is in an enrichment of this run's time, of `emails` asked). Its counts as for a
  // tracked batch; an unconfirmed batch is settled: all found -> sent, none -> not sent (its answer
  // was lost before anything was queued), some -> partly queued.
  function lookedUp(run, id, found, emails, now) {
    if (!run.batches[id]) return run;
    const next = tracked(run, id, { prospects: found }, now);
    return withBatch(next, id, (b) => {
      b.tracked = Object.assign({}, b.tracked, { asked: emails });
      if (b.state !== STATE.unconfirmed) return;
      const uuids = [...new Set(found.map((p) => p.uuid))].join(', ');
      if (found.length === emails) {
        b.state = STATE.sent;
        b.counts = { queued: emails, submitted: emails };
        b.message = 'Confirmed by tracking: its ' + counted(emails, 'prospect was', 'prospects were') + ' found queued (' + uuids + '), so its lost answer did queue it.';
      } else if (found.length === 0) {
        b.state = STATE.not_sent;
        b.message = 'Tracking found none of its ' + counted(emails, 'prospect') + ' queued: its lost attempt queued nothing, so it can be sent again.';
      } else {
        b.state = STATE.partial;
        b.counts = { queued: found.length, submitted: emails };
        b.message = 'Tracking found ' + fmt(found.length) + ' of its ' + counted(emails, 'prospect') + ' queued (' + uuids + '); the others were not queued.';
      }
    });
  }

  // The enrichment of the whole run as last tracked: prospects by outcome, still pending, and the
  // credits used (credits_per_prospect for each ENRICHED prospect, as the API charges) beside the
  // most the run could have cost (its queued prospects).
  function trackTotals(run) {
    const t = { batches: 0, trackable: 0, prospects: 0, pending: 0, results: {}, queued: 0 };
    for (const b of run.batches) {
      t.queued += b.counts ? b.counts.queued : 0;
      if (!b.uuid && !byLookup(b) && !b.tracked) continue;
      t.trackable++;
      if (!b.tracked) continue;
      t.batches++;
      t.prospects += b.tracked.total;
      t.pending += b.tracked.pending;
      for (const [k, n] of Object.entries(b.tracked.results)) t.results[k] = (t.results[k] || 0) + n;
    }
    t.creditsUsed = CONSTANTS.credits_per_prospect * (t.results.ENRICHED || 0);
    t.ceiling = CONSTANTS.credits_per_prospect * t.queued;
    return t;
  }
  // "Enrichment (398 of 398 batches tracked): 19,850 prospects — 12,000 ENRICHED, 7,000
  // NO_DATA_FOUND, 850 still pending. Credits used: 18,000 (1.5 per enriched prospect) of at most
  // 29,775." Null when nothing was tracked yet.
  function trackText(run) {
    const t = trackTotals(run);
    if (!t.batches) return null;
    const parts = Object.keys(t.results).sort((a, b) => t.results[b] - t.results[a] || (a < b ? -1 : 1)).map((k) => fmt(t.results[k]) + ' ' + k);
    if (t.pending) parts.push(fmt(t.pending) + ' still pending');
    return 'Enrichment (' + fmt(t.batches) + ' of ' + counted(t.trackable, 'batch', 'batches') + ' tracked): ' + counted(t.prospects, 'prospect') +
      (parts.length ? ' — ' + parts.join(', ') : '') + '. Credits used: ' + credits(t.creditsUsed) + ' (' + credits(CONSTANTS.credits_per_prospect) +
      ' per enriched prospect) of at most ' + credits(t.ceiling) + '.';
  }

  // The summary of a finished send, and the alert it raises (null: none).
  function outcome(run, stopReason, message) {
    const sent = run.batches.filter((b) => b.state === STATE.sent || b.state === STATE.partial).length;
    const failed = run.batches.filter((b) => b.state === STATE.failed).length;
    const notSent = run.batches.length - sent - failed;
    const queued = run.batches.reduce((n, b) => n + (b.counts ? b.counts.queued : 0), 0);
    const prospects = run.batches.reduce((n, b) => n + b.count, 0);
    const p = run.progress || { retries: 0, stopMessage: '' };
    const text = 'Finished: ' + sent + ' sent, ' + failed + ' failed, ' + notSent + ' not sent; ' + fmt(queued) + ' of ' + counted(prospects, 'prospect') + ' queued' +
      (p.retries ? ' (' + counted(p.retries, 'retry', 'retries') + ')' : '') + '.' + (stopReason ? ' ' + stopText(stopReason) : '');
    let alert = null;
    if (stopReason === STOP.error) alert = 'Sending stopped: ' + (message || 'an unexpected error.') + ' ' + stopText(stopReason);
    else if (stopReason && stopReason !== STOP.cancelled) alert = p.stopMessage || stopText(stopReason);
    return { text, alert };
  }

  const api = { create, begin, reduce, engineLost, settle, progressText, outcome, totals, totalsText, duration, tracked, lookedUp, byLookup, trackable, unfinished, trackTotals, trackText };
  if (node) module.exports = api;
  else (root.PE = root.PE || {}).run = api;
})(typeof self !== 'undefined' ? self : this);
