// Unit tests (no browser) of the queue run model, web/js/run.js: a new run, the start of a send,
// what each worker event does to a run (the reducer), its end, a run the page lost or left behind,
// and the words of its progress and outcome. Every run handed in is deep-frozen: the functions must
// return new runs, never change the one they are given.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
require('./page_constants.js');   // PE.constants first, as the page loads them
const R = require(path.join(ROOT, 'web', 'js', 'run.js'));
const { EVENT, STOP, STATE } = require(path.join(ROOT, 'web', 'js', 'protocol.js'));

function deepFreeze(o) {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) { Object.freeze(o); for (const v of Object.values(o)) deepFreeze(v); }
  return o;
}
const PLAN = [
  { index: 0, count: 2, key: 'k0', emails: ['a@x.com', 'b@x.com'] },
  { index: 1, count: 3, key: 'k1', emails: ['c@x.com', 'd@x.com', 'e@x.com'] },
  { index: 2, count: 1, key: 'k2', emails: ['f@x.com'] },
];
const NOW = Date.UTC(2026, 4, 1, 8, 0, 0);
function started(picks) {
  const run = deepFreeze(R.create({ id: 'r1', owner: 'tab', now: NOW, baseUrl: 'http://127.0.0.1:9', file: 'f.csv', plan: PLAN }));
  return deepFreeze(R.begin(run, picks || new Map([[0, 0], [1, 1], [2, 2]]), 'tab'));
}
// Applies events one after the other, each to a frozen run.
const apply = (run, ...events) => events.reduce((r, ev) => deepFreeze(R.reduce(r, ev)), run);
// A queue response in the module's form (json_forms.hpp).
const response = (status, n, total) => ({ ok: true, uuid: 'u-' + status, prospects_count: n, total_prospects_count: total, queue_status: status, error: '', headline: 'H.', next_step: 'N.', known: true });
const sent = (id, r, more) => Object.assign({ kind: EVENT.batch, id, state: STATE.sent, attempt: 1, response: r, message: '' }, more);

test('a new run: each batch of the plan waits, with its first and last email; nothing stored of the others', () => {
  const run = R.create({ id: 'r1', owner: 'tab', now: NOW, baseUrl: 'http://127.0.0.1:9', file: 'f.csv', plan: PLAN });
  assert.equal(run.created, '2026-05-01T08:00:00.000Z');
  assert.equal(run.heartbeat, NOW);
  assert.deepEqual(run.batches[1], { index: 1, count: 3, key: 'k1', first: 'c@x.com', last: 'e@x.com', emails: PLAN[1].emails,
    planIndex: 1, state: STATE.waiting, uuid: null, message: '' });
});

test('begin: only the picked batches wait, mapped to their batch in the loaded file; the run belongs to the sending tab', () => {
  let run = started();
  run = apply(run, sent(0, response('ENQUEUED', 2, 2)), { kind: EVENT.batch, id: 1, state: STATE.unconfirmed, message: 'lost' },
    { kind: EVENT.finished, stopReason: STOP.error });
  const again = deepFreeze(R.begin(run, new Map([[1, 7], [2, 8]]), 'other-tab'));
  assert.equal(again.owner, 'other-tab');
  assert.deepEqual(again.progress, { total: 2, done: 0, retries: 0, stopMessage: '', started: 0 });
  assert.equal(again.batches[0].state, STATE.sent, 'not picked: unchanged');
  assert.deepEqual(again.batches[0], run.batches[0]);
  assert.deepEqual([again.batches[1].state, again.batches[1].planIndex, again.batches[1].wasUnconfirmed, again.batches[1].message],
    [STATE.waiting, 7, true, 'waiting to be sent']);
  assert.deepEqual([again.batches[2].planIndex, again.batches[2].wasUnconfirmed], [8, false]);
});

test('reduce: sending says the attempt; a sent batch takes its uuid, counts and the answer in words; progress counts it', () => {
  let run = apply(started(), { kind: EVENT.batch, id: 0, state: STATE.sending, attempt: 2 });
  assert.equal(run.batches[0].state, STATE.sending);
  assert.equal(run.batches[0].message, 'attempt 2');
  assert.equal(run.progress.done, 0);
  assert.equal(R.progressText(run, { kind: EVENT.batch, id: 0, state: STATE.sending }), null);
  const ev = sent(0, response('ENQUEUED', 2, 2), { attempt: 2 });
  run = apply(run, ev);
  const b = run.batches[0];
  assert.deepEqual([b.state, b.uuid, b.status, b.counts], [STATE.sent, 'u-ENQUEUED', 'ENQUEUED', { queued: 2, submitted: 2 }]);
  assert.equal(b.message, 'ENQUEUED: 2 of 2 queued. H. N. (Sent on attempt 2.)');
  assert.equal(run.progress.done, 1);
  assert.equal(R.progressText(run, ev), 'Batch 1 of 3 done.');
});

test('reduce: the answers that are not plain success', () => {
  // Partly queued; then credits exhausted (a failure that stops the run: its message is the alert).
  const run = apply(started(), sent(0, response('PARTIALLY_ENQUEUED', 1, 2)),
    sent(1, response('CREDITS_EXHAUSTED', 0, 3), { stopSending: true }));
  assert.equal(run.batches[0].state, STATE.partial);
  assert.equal(run.batches[1].state, STATE.failed);
  assert.equal(run.progress.stopMessage, run.batches[1].message);
  const end = apply(run, { kind: EVENT.finished, stopReason: STOP.credits });
  assert.equal(end.batches[2].state, STATE.not_sent);
  assert.deepEqual(R.outcome(end, STOP.credits), {
    text: 'Finished: 1 sent, 1 failed, 1 not sent; 1 of 6 prospects queued. Stopped: not enough credits for the remaining batches; they were not sent.',
    alert: run.batches[1].message,
  });
});

test('reduce: NOT_ENQUEUED after an attempt whose answer was lost counts the batch as queued, and says why', () => {
  // In this run: an earlier attempt got no answer.
  let run = apply(started(), sent(1, response('NOT_ENQUEUED', 0, 3), { unanswered: true }));
  assert.deepEqual(run.batches[1].counts, { queued: 3, submitted: 3 });
  assert.match(run.batches[1].message, /An earlier attempt of this batch got no answer; that attempt most likely queued its 3 prospects, so they are counted as queued/);
  // In an earlier run: the batch was unconfirmed and is sent again.
  run = apply(started(), { kind: EVENT.batch, id: 2, state: STATE.unconfirmed, message: 'lost' }, { kind: EVENT.finished, stopReason: STOP.error });
  run = apply(deepFreeze(R.begin(run, new Map([[2, 2]]), 'tab')), sent(2, response('NOT_ENQUEUED', 0, 1)));
  assert.deepEqual(run.batches[2].counts, { queued: 1, submitted: 1 });
  assert.match(run.batches[2].message, /This batch was sent before and its answer was lost; that attempt most likely queued its prospect, so it is counted as queued/);
  // Without a lost answer, NOT_ENQUEUED queued nothing.
  run = apply(started(), sent(0, response('NOT_ENQUEUED', 0, 2)));
  assert.deepEqual(run.batches[0].counts, { queued: 0, submitted: 2 });
});

test('reduce: a batch that was unconfirmed stays unconfirmed when it is not sent this time', () => {
  let run = apply(started(), { kind: EVENT.batch, id: 0, state: STATE.unconfirmed, message: 'lost' }, { kind: EVENT.finished, stopReason: STOP.error });
  run = deepFreeze(R.begin(run, new Map([[0, 0], [1, 1]]), 'tab'));
  run = apply(run, { kind: EVENT.batch, id: 0, state: STATE.not_sent, message: 'The key was refused.' }, { kind: EVENT.finished, stopReason: STOP.auth });
  assert.equal(run.batches[0].state, STATE.unconfirmed);
  assert.equal(run.batches[0].message, 'The key was refused. This batch was sent in an earlier run and that answer was lost: look up its emails before sending it again.');
  assert.equal(run.batches[1].state, STATE.not_sent, 'never unconfirmed: not sent');
  assert.equal(run.batches[1].message, 'Stopped: the API key was refused; the remaining batches were not sent.');
});

test('reduce: retries are counted and said; an event for a batch the run does not have changes nothing', () => {
  const base = started();
  const retry = { kind: EVENT.retry, id: 1, attempt: 1, delayMs: 1000, rateLimited: true, message: 'Rate limited (429).' };
  const run = apply(base, retry, Object.assign({}, retry, { rateLimited: false, message: 'Server error (500).' }));
  assert.equal(run.progress.retries, 2);
  assert.equal(run.batches[1].message, 'Server error (500).');
  assert.equal(R.progressText(run, retry), 'Waiting for the rate limit: Rate limited (429). (retries so far: 2)');
  const done = apply(run, sent(1, response('ENQUEUED', 3, 3)));
  assert.equal(R.progressText(done, { kind: EVENT.batch, id: 1, state: STATE.sent }), 'Batch 1 of 3 done, 2 retries.');
  assert.equal(R.reduce(base, { kind: EVENT.batch, id: 9, state: STATE.sent }), base);
  assert.match(R.outcome(apply(done, { kind: EVENT.finished, stopReason: STOP.cancelled }), STOP.cancelled).text,
    /^Finished: 1 sent, 0 failed, 2 not sent; 3 of 6 prospects queued \(2 retries\)\. Cancelled: the remaining batches were not sent\.$/);
});

test('the end of a run: words and alert per reason', () => {
  const run = apply(started(), { kind: EVENT.finished, stopReason: STOP.error });
  assert.deepEqual(run.batches.map((b) => b.state), [STATE.not_sent, STATE.not_sent, STATE.not_sent]);
  assert.equal(R.outcome(run, STOP.error, 'The engine failed.').alert, 'Sending stopped: The engine failed. The batches not yet sent were not sent.');
  assert.equal(R.outcome(run, STOP.error, '').alert, 'Sending stopped: an unexpected error. The batches not yet sent were not sent.');
  assert.equal(R.outcome(run, STOP.cancelled).alert, null);
  assert.equal(R.outcome(run, null).alert, null);
  assert.equal(R.outcome(run, STOP.too_large).alert, 'Stopped: a batch was too large for the API; the remaining batches were not sent. Lower the batch size in Settings and send them again.');
  assert.equal(R.outcome(run, null).text, 'Finished: 0 sent, 0 failed, 3 not sent; 0 of 6 prospects queued.');
});

test('the engine lost during a send: the batch being sent is unconfirmed, the rest end as not sent', () => {
  let run = apply(started(), sent(0, response('ENQUEUED', 2, 2)), { kind: EVENT.batch, id: 1, state: STATE.sending, attempt: 1 });
  run = deepFreeze(R.engineLost(run, 'The engine stopped.'));
  run = apply(run, { kind: EVENT.finished, stopReason: STOP.error });
  assert.deepEqual(run.batches.map((b) => b.state), [STATE.sent, STATE.unconfirmed, STATE.not_sent]);
  assert.equal(run.batches[1].message, 'The page failed while this batch was being sent (The engine stopped.) Its outcome is unknown: look up its emails before sending it again.');
});

test('a run left behind (tab closed or reloaded): sending becomes unconfirmed, waiting not sent; a settled run is returned as it is', () => {
  const run = apply(started(), sent(0, response('ENQUEUED', 2, 2)), { kind: EVENT.batch, id: 1, state: STATE.sending, attempt: 1 });
  const settled = R.settle(run);
  assert.deepEqual(settled.batches.map((b) => b.state), [STATE.sent, STATE.unconfirmed, STATE.not_sent]);
  assert.match(settled.batches[1].message, /^The page was closed while this batch was being sent/);
  assert.equal(settled.batches[2].message, 'The page was closed before this batch was sent.');
  const again = deepFreeze(settled);
  assert.equal(R.settle(again), again);
});

test('the run in one line: batches by state, prospects queued, and while it is sent the time so far and left', () => {
  const t0 = NOW;
  let run = deepFreeze(R.begin(R.create({ id: 'r1', owner: 'tab', now: NOW, baseUrl: 'http://127.0.0.1:9', file: 'f.csv', plan: PLAN }),
    new Map([[0, 0], [1, 1], [2, 2]]), 'tab', t0));
  assert.equal(run.progress.started, t0);
  assert.equal(R.totalsText(run, 0), '3 batches: 3 waiting · 0 of 6 prospects queued (6 waiting).');
  run = apply(run, sent(0, response('ENQUEUED', 2, 2)), { kind: EVENT.batch, id: 1, state: STATE.failed, attempt: 1, message: 'refused' });
  assert.deepEqual(R.totals(run).byState, { sent: { batches: 1, prospects: 2 }, failed: { batches: 1, prospects: 3 }, waiting: { batches: 1, prospects: 1 } });
  assert.equal(R.totalsText(run, t0 + 65000), '3 batches: 1 sent, 1 failed, 1 waiting · 2 of 6 prospects queued (3 failed, 1 waiting) · 1 min 05 s.');
  assert.deepEqual(R.totals(run).notQueued, { already_pending: 0, failed: 3, unconfirmed: 0, not_sent: 0, waiting: 1 });
  // After 3 batches of a longer send, the time left at the rate seen so far.
  const long = deepFreeze(Object.assign({}, run, { progress: Object.assign({}, run.progress, { done: 3, total: 9 }) }));
  assert.equal(R.totalsText(long, t0 + 30000), '3 batches: 1 sent, 1 failed, 1 waiting · 2 of 6 prospects queued (3 failed, 1 waiting) · 30 s, about 1 min 00 s left.');
  assert.equal(R.duration(2 * 3600e3 + 3 * 60e3 + 4e3), '2 h 03 min');
  // Prospects the API did not queue: a sent batch's were already pending; a partly queued batch's
  // are not confirmed until tracked; an unconfirmed batch's too; a batch not sent, not sent.
  const fresh = R.begin(R.create({ id: 'r2', owner: 'tab', now: NOW, baseUrl: 'http://127.0.0.1:9', file: 'f.csv', plan: PLAN }),
    new Map([[0, 0], [1, 1], [2, 2]]), 'tab', t0);
  const pending = apply(fresh, sent(0, response('NOT_ENQUEUED', 0, 2)), { kind: EVENT.batch, id: 1, state: STATE.failed, attempt: 1, message: 'refused' },
    { kind: EVENT.batch, id: 2, state: STATE.not_sent, attempt: 0, message: 'cancelled' });
  assert.equal(R.totalsText(pending, 0), '3 batches: 1 sent, 1 failed, 1 not sent · 0 of 6 prospects queued (2 already pending, 3 failed, 1 not sent).');
});

test('a look-up settles a batch whose answer was lost: all found sent, none not sent, some partly queued; its counts are tracked', () => {
  const lost = apply(started(), { kind: EVENT.batch, id: 1, state: STATE.unconfirmed, attempt: 1, message: 'lost' });
  assert.deepEqual(R.trackable(lost), [1]);
  const p = (email, result) => ({ email, uuid: 'u-9', status: 'PROCESSED', processing_result: result, final: true });
  const all = deepFreeze(R.lookedUp(lost, 1, [p('c@x.com', 'ENRICHED'), p('d@x.com', 'NO_DATA_FOUND'), p('e@x.com', 'ENRICHED')], 3, NOW));
  assert.equal(all.batches[1].state, STATE.sent);
  assert.deepEqual(all.batches[1].counts, { queued: 3, submitted: 3 });
  assert.match(all.batches[1].message, /^Confirmed by tracking: its 3 prospects were found queued \(u-9\)/);
  assert.deepEqual(all.batches[1].tracked.results, { ENRICHED: 2, NO_DATA_FOUND: 1 });
  assert.deepEqual(R.unfinished(all), [], 'nothing pending: tracked to the end');
  const none = deepFreeze(R.lookedUp(lost, 1, [], 3, NOW));
  assert.equal(none.batches[1].state, STATE.not_sent);
  assert.match(none.batches[1].message, /can be sent again/);
  const some = deepFreeze(R.lookedUp(lost, 1, [p('c@x.com', 'ENRICHED')], 3, NOW));
  assert.equal(some.batches[1].state, STATE.partial);
  assert.deepEqual(some.batches[1].counts, { queued: 1, submitted: 3 });
  assert.equal(R.trackTotals(some).creditsUsed, 1.5);
});
