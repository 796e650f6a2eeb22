// Issue 4: queueing in batches against the sandbox's faults, driven as a user would (labels and
// roles). Every test checks both sides: what the sandbox received (bodies, order, count, key hash)
// and what the page showed (batch states, uuids, messages, progress text).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { isDeepStrictEqual } = require('node:util');
const h = require('./harness');

const QUEUE_PATH = '/rest/v2/lead_finder/prospects/enrichments';
const QUERY_PATH = QUEUE_PATH + '/statuses/query';

// 7 valid rows; with batch size 2 that is 4 batches: 2, 2, 2 and 1 prospects.
const ROWS = [
  ['erlich@bachmanity.com', 'Erlich', 'Bachman'],
  ['jared@piedpiper.com', 'Jared', 'Dunn'],
  ['richard@piedpiper.com', 'Richard', 'Hendricks'],
  ['dinesh@piedpiper.com', 'Dinesh', 'Chugtai'],
  ['gavin@hooli.com', 'Gavin', 'Belson'],
  ['monica@raviga.com', 'Monica', 'Hall'],
  ['nelson@hooli.com', 'Nelson', 'Bighetti'],
];
const CSV = ['Email,First Name,Last Name', ...ROWS.map((r) => r.join(','))].join('\n');
const BODIES = [];
for (let i = 0; i < ROWS.length; i += 2) {
  BODIES.push({ prospects: ROWS.slice(i, i + 2).map(([email, first_name, last_name]) => ({ email, first_name, last_name })) });
}
const PASS = { match: 'queue', type: 'slow', delay_ms: 0 };   // a no-op fault: lets the next fault hit batch 2
const V2_ERROR = (status, title, detail) => ({ title, status, detail, timestamp: '2026-05-01 08:00:00' });

let browser;
test.before(async () => { browser = await h.launch(); });
test.after(async () => { if (browser) await browser.close(); });

// Its own sandbox and browser context per test, stopped in finally. The page is opened from file://
// with ?api=<sandbox>. After the scenario: the key never reached the console or localStorage.
async function scenario(opts, fn) {
  const sandbox = await h.startSandbox(opts.args || []);
  let page = null;
  try {
    if (opts.config) await sandbox.config(opts.config);
    if (opts.faults) await sandbox.faults(opts.faults);
    page = await h.openPage(browser, h.FILE_URL + '?api=' + encodeURIComponent(sandbox.url));
    await fn({ sandbox, page });
    const key = opts.key || h.SANDBOX_KEY;
    assert.ok(!page.consoleLines.some((l) => l.includes(key)), 'the key never reaches the console');
    const stored = await page.evaluate(() => JSON.stringify(Object.assign({}, localStorage)));
    assert.ok(!stored.includes(key), 'the key is never in localStorage');
  } finally {
    if (page) await page.context().close();
    await sandbox.stop();
  }
}

async function prepare(page, { key = h.SANDBOX_KEY, batchSize = 2, csv = CSV, valid = ROWS.length } = {}) {
  if (key != null) await page.getByLabel('API key').fill(key);
  await page.getByLabel('Batch size').fill(String(batchSize));
  await page.getByLabel('Prospects CSV').fill(csv);
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.locator('#summary .stat', { hasText: /^Valid/ }).locator('dd').getByText(String(valid), { exact: true }).waitFor();
}

async function queueAll(page, n = ROWS.length) {
  await page.getByRole('button', { name: 'Queue ' + n + ' prospects' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Queue now' }).click();
}

const progress = (page) => page.locator('#progress-text');
async function finished(page, timeout = 30000) {
  const p = progress(page).filter({ hasText: /^Finished:/ });
  await p.waitFor({ timeout });
  return p.textContent();
}

// The batches table as the user sees it.
// The resend button asks first, like the queue button: the dialog names the batches and the cost.
const nBatches = (n) => n + (n === 1 ? ' batch' : ' batches');
async function resend(page, n) {
  await page.getByRole('button', { name: 'Send ' + n + ' failed or unsent ' + (n === 1 ? 'batch' : 'batches'), exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  assert.match(await dialog.textContent(), new RegExp('Send ' + nBatches(n) + ' again \\((1 prospect|\\d+ prospects)\\).*credits'));
  await dialog.getByRole('button', { name: 'Send now' }).click();
}

async function table(page) {
  return page.$$eval('#batches tr', (trs) => trs.map((tr) => {
    const td = tr.querySelectorAll('td');
    return { batch: td[0].textContent, prospects: td[1].textContent, state: td[2].textContent, result: td[3].textContent };
  }));
}
const states = (rows) => rows.map((r) => r.state);
const uuidOf = (text) => { const m = /uuid ([0-9a-f-]{36})/.exec(text); return m && m[1]; };

// The queue POSTs the sandbox received, and which batch (1-based) each body was.
async function queuePosts(sandbox) {
  return (await sandbox.requests()).filter((r) => r.method === 'POST' && r.path === QUEUE_PATH);
}
function batchOrder(posts) {
  return posts.map((p) => {
    const i = BODIES.findIndex((b) => isDeepStrictEqual(b, p.body));
    assert.ok(i >= 0, 'a body the page never planned: ' + JSON.stringify(p.body));
    return i + 1;
  });
}
function assertKey(posts, key = h.SANDBOX_KEY) {
  for (const p of posts) {
    assert.equal(p.api_key_sha256_prefix, h.keyHash(key));
    assert.match(p.content_type, /^application\/json/);
  }
}
const alertText = (page) => page.getByRole('alert').textContent();
const ms = (iso) => Date.parse(iso);

// Waits until fn() is true: tests wait on conditions, with a generous overall limit (the machine
// may be loaded), never on a fixed pause.
async function poll(fn, what = 'condition', timeoutMs = 60000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 50));
  }
}
// Every text the progress line shows, recorded as it changes (a retry's text is soon replaced).
async function recordProgress(page) {
  await page.evaluate(() => {
    const el = document.getElementById('progress-text');
    window.__progress = [];
    new MutationObserver(() => window.__progress.push(el.textContent)).observe(el, { childList: true, characterData: true, subtree: true });
  });
  return () => page.evaluate(() => window.__progress);
}
// The status requests the page hands to its worker, counted as they are posted (synchronously,
// so a poll fired by the page's clock is counted before clock.runFor returns).
async function countStatusCalls(page) {
  await page.evaluate(() => {
    window.__statusCalls = 0;
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (msg, transfer) {
      if (msg && msg.type === 'status') window.__statusCalls++;
      return post.call(this, msg, transfer);
    };
  });
  return () => page.evaluate(() => window.__statusCalls);
}

test('401: the key is refused, nothing more is sent; with the key fixed, the resend sends exactly the rest', async () => {
  await scenario({ key: 'wrong-key' }, async ({ sandbox, page }) => {
    await prepare(page, { key: 'wrong-key' });
    await queueAll(page);
    const text = await finished(page);
    assert.equal(text, 'Finished: 0 sent, 0 failed, 4 not sent; 0 of 7 prospects queued. Stopped: the API key was refused; the remaining batches were not sent.');
    assert.match(await alertText(page), /The API key was refused \(401\)\. Check the key in Settings/);
    const rows = await table(page);
    assert.deepEqual(states(rows), ['not sent', 'not sent', 'not sent', 'not sent']);
    assert.match(rows[0].result, /The API key was refused \(401\)/);
    assert.match(rows[1].result, /key was refused; the remaining batches were not sent/);

    let posts = await queuePosts(sandbox);
    assert.deepEqual(batchOrder(posts), [1], 'nothing after the first request');
    assert.equal(posts[0].api_key_valid, false);
    assertKey(posts, 'wrong-key');

    await page.getByLabel('API key').fill(h.SANDBOX_KEY);
    await resend(page, 4);
    assert.equal(await finished(page), 'Finished: 4 sent, 0 failed, 0 not sent; 7 of 7 prospects queued.');
    assert.equal(await page.getByRole('alert').isVisible(), false, 'the old alert is gone');
    assert.deepEqual(states(await table(page)), ['sent', 'sent', 'sent', 'sent']);
    assert.equal(await page.getByRole('button', { name: /failed or unsent/ }).isVisible(), false);

    posts = await queuePosts(sandbox);
    assert.deepEqual(batchOrder(posts), [1, 1, 2, 3, 4]);
    assertKey(posts.slice(1));
    assert.ok(posts.slice(1).every((p) => p.response_status === 200 && p.api_key_valid));
  });
});

test('400 on batch 2: that batch failed with the server\'s detail, the others sent', async () => {
  const detail = 'prospects[1].email is not a valid email address';
  await scenario({ faults: [PASS, { match: 'queue', type: 'status', status: 400, body: V2_ERROR(400, 'Bad Request', detail) }] }, async ({ sandbox, page }) => {
    await prepare(page);
    await queueAll(page);
    assert.equal(await finished(page), 'Finished: 3 sent, 1 failed, 0 not sent; 5 of 7 prospects queued.');
    const rows = await table(page);
    assert.deepEqual(states(rows), ['sent', 'failed', 'sent', 'sent']);
    assert.ok(uuidOf(rows[0].result) && uuidOf(rows[2].result) && uuidOf(rows[3].result));
    assert.equal(uuidOf(rows[1].result), null);
    // The API's position in the request is followed by the file's row and line (batch 2 is rows 3-4).
    assert.match(rows[1].result, /^The API rejected this batch \(400\): prospects\[1\]\.email \(row 4, line 5\) is not a valid email address\. Fix the rows and send this batch again\./);
    await page.getByRole('button', { name: 'Send 1 failed or unsent batch', exact: true }).waitFor();

    const posts = await queuePosts(sandbox);
    assert.deepEqual(batchOrder(posts), [1, 2, 3, 4], 'the 400 is not retried');
    assert.deepEqual(posts.map((p) => p.response_status), [200, 400, 200, 200]);
    assertKey(posts);
  });
});

test('429 with Retry-After: 1 on batch 1: waits for the rate limit, re-sends the same body, then sent', async () => {
  await scenario({ faults: [{ match: 'queue', type: 'status', status: 429, retry_after: '1' }] }, async ({ sandbox, page }) => {
    await prepare(page);
    await queueAll(page);
    await progress(page).getByText('Waiting for the rate limit: Rate limited by the API (429); waiting 1s before retrying. (retries so far: 1)').waitFor();
    assert.equal(await finished(page), 'Finished: 4 sent, 0 failed, 0 not sent; 7 of 7 prospects queued (1 retry).');
    const rows = await table(page);
    assert.deepEqual(states(rows), ['sent', 'sent', 'sent', 'sent']);
    assert.ok(uuidOf(rows[0].result));
    assert.match(rows[0].result, /ENQUEUED: 2 of 2 queued.*\(Sent on attempt 2\.\)/);

    const posts = await queuePosts(sandbox);
    assert.deepEqual(batchOrder(posts), [1, 1, 2, 3, 4]);
    assert.deepEqual(posts.map((p) => p.fault), ['status:429', null, null, null, null]);
    assert.ok(ms(posts[1].time) - ms(posts[0].time) >= 950, 'the re-send waited for Retry-After');
    assertKey(posts);
  });
});

test('500 then 503 on batch 1: retried with backoff, then sent; each body sent exactly as often as attempted', async () => {
  await scenario({ faults: [{ match: 'queue', type: 'status', status: 500 }, { match: 'queue', type: 'status', status: 503 }] }, async ({ sandbox, page }) => {
    await prepare(page);
    const seen = await recordProgress(page);
    await queueAll(page);
    assert.equal(await finished(page), 'Finished: 4 sent, 0 failed, 0 not sent; 7 of 7 prospects queued (2 retries).');
    const retries = (await seen()).filter((t) => /^Retrying: /.test(t));
    assert.match(retries[0], /^Retrying: The API had a server error \(500: .*\); waiting [\d.]+s before retrying\. \(retries so far: 1\)$/);
    assert.match(retries[1], /^Retrying: The API had a server error \(503: .*\); waiting [\d.]+s before retrying\. \(retries so far: 2\)$/);
    const delays = retries.map((t) => Number(/waiting ([\d.]+)s/.exec(t)[1]));
    const rows = await table(page);
    assert.deepEqual(states(rows), ['sent', 'sent', 'sent', 'sent']);
    assert.match(rows[0].result, /\(Sent on attempt 3\.\)/);

    const posts = await queuePosts(sandbox);
    assert.deepEqual(batchOrder(posts), [1, 1, 1, 2, 3, 4]);
    assert.deepEqual(posts.map((p) => p.response_status), [500, 503, 200, 200, 200, 200]);
    // Backoff: 1 s x (0.5..1.5) after the first failure, 2 s x (0.5..1.5) after the second, as the
    // page announced; the sandbox saw each re-send no sooner than that. (No upper bound on the gaps:
    // a loaded machine may take longer; the announced delays are what the policy chose.)
    assert.ok(delays[0] >= 0.5 && delays[0] <= 1.5, 'first backoff ' + delays[0]);
    assert.ok(delays[1] >= 1 && delays[1] <= 3, 'second backoff ' + delays[1]);
    const gap1 = ms(posts[1].time) - ms(posts[0].time), gap2 = ms(posts[2].time) - ms(posts[1].time);
    assert.ok(gap1 >= delays[0] * 1000 - 60, 'the first re-send waited ' + gap1 + ' ms of ' + delays[0] + ' s');
    assert.ok(gap2 >= delays[1] * 1000 - 60, 'the second re-send waited ' + gap2 + ' ms of ' + delays[1] + ' s');
    assertKey(posts);
  });
});

test('slow answer (shorter than the timeout): sent once, no duplicate', async () => {
  await scenario({ faults: [{ match: 'queue', type: 'slow', delay_ms: 2500 }] }, async ({ sandbox, page }) => {
    await prepare(page);
    // Every text of batch 1's row, recorded as it changes: "sending… attempt 1" is seen however
    // briefly (or late) the test looks.
    await page.evaluate(() => {
      const tb = document.getElementById('batches');
      window.__rows = [];
      new MutationObserver(() => { if (tb.rows[0]) window.__rows.push(tb.rows[0].textContent); }).observe(tb, { childList: true, subtree: true, characterData: true });
    });
    await queueAll(page);
    assert.equal(await finished(page), 'Finished: 4 sent, 0 failed, 0 not sent; 7 of 7 prospects queued.');
    const seen = await page.evaluate(() => window.__rows);
    assert.ok(seen.includes('12sending…attempt 1'), 'batch 1 was shown sending: ' + JSON.stringify(seen.slice(0, 5)));
    assert.deepEqual(states(await table(page)), ['sent', 'sent', 'sent', 'sent']);
    const posts = await queuePosts(sandbox);
    assert.deepEqual(batchOrder(posts), [1, 2, 3, 4]);
    assert.deepEqual(posts.map((p) => p.fault), ['slow:2500ms', null, null, null]);
    assert.ok(ms(posts[1].time) - ms(posts[0].time) >= 2400, 'batch 2 waited for batch 1\'s answer');
  });
});

test('timeout (Request timeout 1 s, answer after 10 s): retried; the late original queues nothing twice', async () => {
  // The answer comes 9 s after the timeout: a margin no loaded machine eats up. The sandbox keeps
  // the batch pending for 10 minutes, so the late original finds its prospects still pending.
  await scenario({ args: ['--progress-seconds', '600'], faults: [{ match: 'queue', type: 'slow', delay_ms: 10000 }] }, async ({ sandbox, page }) => {
    await page.getByLabel('Request timeout (seconds)').fill('1');
    await prepare(page);
    await queueAll(page);
    await progress(page).filter({ hasText: /^Retrying: The request timed out; waiting [\d.]+s before retrying\./ }).waitFor();
    const text = await finished(page);
    // If the retry got NOT_ENQUEUED, the timed-out attempt queued them: counted as queued either way.
    assert.equal(text, 'Finished: 4 sent, 0 failed, 0 not sent; 7 of 7 prospects queued (1 retry).');
    const rows = await table(page);
    assert.deepEqual(states(rows), ['sent', 'sent', 'sent', 'sent']);
    // Whichever of the two copies of batch 1 the sandbox processed first queued it; the other found
    // the emails already pending.
    assert.match(rows[0].result, /(ENQUEUED: 2 of 2|NOT_ENQUEUED: 0 of 2) queued.*\(Sent on attempt 2\.\)/);

    // Wait until the sandbox has answered the timed-out original too.
    let posts;
    await poll(async () => { posts = await queuePosts(sandbox); return posts[0].response_status !== null; }, 'the late original\'s answer');
    assert.deepEqual(batchOrder(posts), [1, 1, 2, 3, 4]);
    assert.equal(posts[0].fault, 'slow:10000ms');
    assert.equal(posts[0].response_status, 200, 'the timed-out original was processed too');
    const st = await sandbox.state();
    assert.equal(st.credits, 1000 - 7 * 1.5, 'each prospect reserved once');
  });
});

test('dropped connection on batch 2 (not processed): retried and sent', async () => {
  await scenario({ faults: [PASS, { match: 'queue', type: 'drop' }] }, async ({ sandbox, page }) => {
    await prepare(page);
    await queueAll(page);
    await progress(page).filter({ hasText: /^Retrying: No response from the API; waiting [\d.]+s before retrying\./ }).waitFor();
    assert.equal(await finished(page), 'Finished: 4 sent, 0 failed, 0 not sent; 7 of 7 prospects queued (1 retry).');
    const rows = await table(page);
    assert.deepEqual(states(rows), ['sent', 'sent', 'sent', 'sent']);
    assert.match(rows[1].result, /^uuid [0-9a-f-]{36} — ENQUEUED: 2 of 2 queued.*\(Sent on attempt 2\.\)/);
    const posts = await queuePosts(sandbox);
    assert.deepEqual(batchOrder(posts), [1, 2, 2, 3, 4]);
    assert.deepEqual(posts.map((p) => p.fault), ['slow:0ms', 'drop', null, null, null]);
    assert.equal(posts[1].response_status, null);
  });
});

test('dropped answer after processing on batch 2: the re-send gets NOT_ENQUEUED, explained, no double charge', async () => {
  await scenario({ faults: [PASS, { match: 'queue', type: 'drop', process: true }] }, async ({ sandbox, page }) => {
    await prepare(page);
    await queueAll(page);
    const text = await finished(page);
    // The lost attempt queued batch 2: its prospects count as queued (not "5 of 7").
    assert.equal(text, 'Finished: 4 sent, 0 failed, 0 not sent; 7 of 7 prospects queued (1 retry).');
    const rows = await table(page);
    assert.deepEqual(states(rows), ['sent', 'sent', 'sent', 'sent']);
    assert.equal(uuidOf(rows[1].result), null);
    assert.match(rows[1].result, /^NOT_ENQUEUED: 0 of 2 queued\. None of the prospects in this batch were queued: they are already pending enrichment\./);
    assert.match(rows[1].result, /An earlier attempt of this batch got no answer; that attempt most likely queued its 2 prospects, so they are counted as queued, and nothing is charged twice\./);
    const posts = await queuePosts(sandbox);
    assert.deepEqual(batchOrder(posts), [1, 2, 2, 3, 4]);
    assert.deepEqual(posts.map((p) => p.fault), ['slow:0ms', 'drop:processed', null, null, null]);
    const st = await sandbox.state();
    assert.equal(st.batches_count, 4);
    assert.equal(st.credits, 1000 - 7 * 1.5, 'batch 2 reserved once');

    // "Look up" on that row finds the batch that did queue them.
    await page.getByRole('button', { name: 'Look up the emails of batch 2' }).click();
    const result = page.locator('#track-result');
    await result.getByText('Statuses for richard@piedpiper.com, dinesh@piedpiper.com').waitFor();
    await result.locator('td', { hasText: 'dinesh@piedpiper.com' }).waitFor();
    const q = (await sandbox.requests()).filter((r) => r.path === QUERY_PATH);
    assert.deepEqual(q.map((r) => r.body), [{ emails: ['richard@piedpiper.com', 'dinesh@piedpiper.com'] }]);
  });
});

test('malformed JSON on a 200 for batch 2: failed with "may have been queued", not retried', async () => {
  await scenario({ faults: [PASS, { match: 'queue', type: 'malformed' }] }, async ({ sandbox, page }) => {
    await prepare(page);
    await queueAll(page);
    assert.equal(await finished(page), 'Finished: 3 sent, 1 failed, 0 not sent; 5 of 7 prospects queued.');
    const rows = await table(page);
    assert.deepEqual(states(rows), ['sent', 'failed', 'sent', 'sent']);
    assert.match(rows[1].result, /The batch may have been queued anyway: check the enrichment status before sending it again\./);
    const posts = await queuePosts(sandbox);
    assert.deepEqual(batchOrder(posts), [1, 2, 3, 4], 'batch 2 is not re-sent automatically');
    assert.equal(posts[1].fault, 'malformed');
  });
});

test('credits run out on batch 2 (PARTIALLY_ENQUEUED): sending stops, the rest not sent; after adding credits the resend finishes', async () => {
  await scenario({ config: { credits: 4.5 } }, async ({ sandbox, page }) => {
    await prepare(page);
    await queueAll(page);
    const text = await finished(page);
    assert.equal(text, 'Finished: 2 sent, 0 failed, 2 not sent; 3 of 7 prospects queued. Stopped: not enough credits for the remaining batches; they were not sent.');
    const rows = await table(page);
    assert.deepEqual(states(rows), ['sent', 'partly queued', 'not sent', 'not sent']);
    assert.match(rows[1].result, /PARTIALLY_ENQUEUED: 1 of 2 queued\..*Add credits in Woodpecker's billing section/);
    assert.match(await alertText(page), /Add credits in Woodpecker's billing section \(an account admin can do this\), then send the remaining batches/);
    let posts = await queuePosts(sandbox);
    assert.deepEqual(batchOrder(posts), [1, 2]);

    await sandbox.config({ credits: 100 });
    await resend(page, 3);
    assert.equal(await finished(page), 'Finished: 4 sent, 0 failed, 0 not sent; 7 of 7 prospects queued.');
    const after = await table(page);
    assert.deepEqual(states(after), ['sent', 'sent', 'sent', 'sent']);
    assert.match(after[1].result, /ENQUEUED: 1 of 2 queued/, 'the already-queued email of batch 2 is not queued twice');
    posts = await queuePosts(sandbox);
    assert.deepEqual(batchOrder(posts), [1, 2, 2, 3, 4]);
  });
});

test('no credits left for batch 2 (CREDITS_EXHAUSTED): batch 2 not queued, the rest not sent', async () => {
  await scenario({ config: { credits: 3 } }, async ({ sandbox, page }) => {
    await prepare(page);
    await queueAll(page);
    assert.equal(await finished(page), 'Finished: 1 sent, 1 failed, 2 not sent; 2 of 7 prospects queued. Stopped: not enough credits for the remaining batches; they were not sent.');
    const rows = await table(page);
    assert.deepEqual(states(rows), ['sent', 'failed', 'not sent', 'not sent']);
    assert.match(rows[1].result, /^CREDITS_EXHAUSTED: 0 of 2 queued\. Not enough credits: nothing in this batch was queued\. An account admin can add credits/);
    assert.match(await alertText(page), /Not enough credits: nothing in this batch was queued\. An account admin can add credits/);
    await page.getByRole('button', { name: 'Send 3 failed or unsent batches', exact: true }).waitFor();
    const posts = await queuePosts(sandbox);
    assert.deepEqual(batchOrder(posts), [1, 2]);
  });
});

test('queueing the same file again: the note beside the button says why; "Queue them again anyway" confirms the date and the cost; NOT_ENQUEUED with no uuid, explained', async () => {
  await scenario({}, async ({ sandbox, page }) => {
    await prepare(page);
    await queueAll(page);
    assert.equal(await finished(page), 'Finished: 4 sent, 0 failed, 0 not sent; 7 of 7 prospects queued.');
    const history = await page.locator('#history li').count();
    assert.equal(history, 4);

    // Never blindly repeated: the page recognises the prospects it already sent, and says so beside
    // the queue button (not only in an alert), without asking to clear the history.
    await page.getByRole('button', { name: 'Queue 7 prospects' }).click();
    const note = page.locator('#queue-note');
    await note.filter({ hasText: 'All 7 prospects of this file were already sent from this browser to ' + sandbox.url + ', on ' }).waitFor();
    assert.equal(await note.getAttribute('role'), 'status');
    assert.doesNotMatch(await note.textContent(), /clear the history/i);
    assert.equal(await page.getByRole('alert').isVisible(), false);
    assert.equal(await page.getByRole('dialog').isVisible(), false);
    assert.equal((await queuePosts(sandbox)).length, 4);

    // The user insists: the same confirmation, with all batches, the date and the risk of a charge.
    await page.getByRole('button', { name: 'Queue them again anyway' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const text = await dialog.textContent();
    assert.match(text, /Queue all 7 prospects in 4 batches to http:\/\/127\.0\.0\.1:\d+ again\?/);
    assert.match(text, /already sent from this browser on .+, and may be charged again once enrichment has finished/);
    await dialog.getByRole('button', { name: 'Queue again' }).click();
    assert.equal(await finished(page), 'Finished: 4 sent, 0 failed, 0 not sent; 0 of 7 prospects queued.');
    assert.equal(await note.textContent(), '');
    assert.equal(await page.getByRole('button', { name: 'Queue them again anyway' }).isVisible(), false);
    const rows = await table(page);
    for (const r of rows) {
      assert.equal(r.state, 'sent');
      assert.equal(uuidOf(r.result), null);
      assert.doesNotMatch(r.result, /null|undefined/);
      assert.match(r.result, /^NOT_ENQUEUED: 0 of [12] queued\. None of the prospects in this batch were queued: they are already pending enrichment\. They are not charged again; track the earlier batch that queued them\. Look up$/);
    }
    assert.equal(await page.locator('#batches').getByRole('button', { name: /^Track/ }).count(), 0);
    assert.equal(await page.locator('#history li').filter({ has: page.getByRole('button') }).count(), 4, 'no history entry without a uuid');
    const posts = await queuePosts(sandbox);
    assert.deepEqual(batchOrder(posts), [1, 2, 3, 4, 1, 2, 3, 4]);
    assert.equal((await sandbox.state()).batches_count, 4);

    // Partly sent: a file with one new prospect sends only it (its batch holds one sent before),
    // and the dialog says so.
    await prepare(page, { csv: CSV + '\nlaurie@raviga.com,Laurie,Bream', valid: 8 });
    await page.getByRole('button', { name: 'Queue 8 prospects' }).click();
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /Queue 1 prospect in 1 batch to .*7 prospects already sent from this browser to this endpoint with this key are left out too\./);
    await dialog.getByRole('button', { name: 'Back' }).click();

    // Clearing the history asks first; Back keeps it.
    await page.getByRole('button', { name: 'Clear history' }).click();
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /forgets 4 queued batches .*and 2 earlier runs/);
    await dialog.getByRole('button', { name: 'Back' }).click();
    assert.equal(await page.locator('#history li').count(), 4);
    await page.getByRole('button', { name: 'Clear history' }).click();
    await dialog.getByRole('button', { name: 'Clear history' }).click();
    await page.locator('#history li', { hasText: 'No batches queued from this browser yet.' }).waitFor();
    assert.equal((await h.ledgerRuns(page)).length, 0);
  });
});

test('issue 11: the endpoint is remembered over a reload; "already sent" holds for the same endpoint and key only', async () => {
  const other = await h.startSandbox();
  try {
    await scenario({}, async ({ sandbox, page }) => {
      await prepare(page);
      // The endpoint of the ?api= link is for this page: not remembered, though the batch size is.
      const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('pe.settings.v1')));
      assert.equal(saved.batchSize, '2');
      assert.equal(saved.baseUrl, undefined);
      await queueAll(page);
      assert.equal(await finished(page), 'Finished: 4 sent, 0 failed, 0 not sent; 7 of 7 prospects queued.');

      // A rehearsal does not block another endpoint: the same file to another API is offered whole.
      await page.getByLabel('API base URL').fill(other.url);
      assert.equal(await page.getByLabel('API endpoint').inputValue(), 'custom');
      await page.getByRole('button', { name: 'Queue 7 prospects' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      assert.match(await dialog.textContent(), new RegExp('Queue 7 prospects in 4 batches to ' + other.url.replace(/\./g, '\\.') + '\\?'));
      assert.doesNotMatch(await dialog.textContent(), /already sent/);
      await dialog.getByRole('button', { name: 'Queue now' }).click();
      assert.equal(await finished(page), 'Finished: 4 sent, 0 failed, 0 not sent; 7 of 7 prospects queued.');
      assert.equal((await queuePosts(other)).length, 4);
      assert.equal((await queuePosts(sandbox)).length, 4);

      // Back to the first endpoint: there it was sent, and the page says so.
      await page.getByLabel('API base URL').fill(sandbox.url);
      await page.getByRole('button', { name: 'Queue 7 prospects' }).click();
      await page.locator('#queue-note').filter({ hasText: 'All 7 prospects of this file were already sent from this browser to ' + sandbox.url + ', on ' }).waitFor();
      assert.equal(await page.getByRole('dialog').isVisible(), false);
      // Another key is another account: not "already sent" for it.
      await page.getByLabel('API key').fill('another-account-key');
      await page.getByRole('button', { name: 'Queue 7 prospects' }).click();
      await dialog.waitFor();
      assert.doesNotMatch(await dialog.textContent(), /already sent/);
      await dialog.getByRole('button', { name: 'Back' }).click();
      const runs = (await h.ledgerRuns(page)).map((r) => [r.baseUrl, r.keyFp]);
      assert.deepEqual(runs.map((r) => r[0]), [sandbox.url, other.url]);
      assert.match(runs[0][1], /^[0-9a-f]{8,}$/, 'a fingerprint of the key, never the key');
      assert.equal(runs[0][1], runs[1][1]);

      // A reload (no ?api=) keeps the endpoint chosen last, and the batch size.
      await page.goto(h.FILE_URL);
      await h.started(page);
      assert.equal(await page.getByLabel('API base URL').inputValue(), sandbox.url);
      assert.equal(await page.getByLabel('Batch size').inputValue(), '2');
      // A remembered endpoint that the policy refuses is not used, and the user is told.
      await page.evaluate(() => localStorage.setItem('pe.settings.v1', JSON.stringify({ endpoint: 'custom', baseUrl: 'https://evil.example.com/api' })));
      await page.goto(h.FILE_URL);
      await h.started(page);
      await page.getByRole('alert').filter({ hasText: /endpoint remembered from an earlier visit \(“https:\/\/evil\.example\.com\/api”\) is refused/ }).waitFor();
      assert.equal(await page.getByLabel('API base URL').inputValue(), 'https://api.woodpecker.co');
    });
  } finally {
    await other.stop();
  }
});

test('a different file is not mistaken for a sent one; the report matches outcomes by batch, not by position', async () => {
  await scenario({}, async ({ sandbox, page }) => {
    await prepare(page);
    await queueAll(page);
    await finished(page);
    // Another file with the same number of rows: nothing of it was sent.
    const other = 'email\n' + ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((x) => x + '@example.org').join('\n') + '\n';
    await prepare(page, { csv: other });
    const [report] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download report CSV' }).click()]);
    const lines = fs.readFileSync(await report.path(), 'utf8').replace(/^\ufeff/, '').trim().split('\r\n').slice(1);
    assert.equal(lines.length, 7);
    for (const l of lines) assert.match(l, /^\d,\d,[a-g]@example\.org,valid,not sent,/);
    // Queueing it sends all of it.
    await queueAll(page);
    assert.match(await finished(page), /^Finished: 4 sent/);
    assert.equal((await queuePosts(sandbox)).length, 8);
  });
});

test('issue 11: a file fixed and loaded again after a reload is cut into other batches, yet no prospect already queued is sent again', async () => {
  await scenario({}, async ({ sandbox, page }) => {
    // One row is broken at first: 7 valid rows in 4 batches.
    const broken = ['Email,First Name,Last Name', 'laurie(at)raviga.com,Laurie,Bream', ...ROWS.map((r) => r.join(','))].join('\n');
    await prepare(page, { csv: broken });
    await queueAll(page);
    assert.equal(await finished(page), 'Finished: 4 sent, 0 failed, 0 not sent; 7 of 7 prospects queued.');
    // What the browser keeps of them: hashes of the emails, never the emails.
    const kept = await page.evaluate(() => new Promise((resolve) => {
      const req = indexedDB.open('prospect-enricher');
      req.onsuccess = () => { const g = req.result.transaction('prospects').objectStore('prospects').getAll(); g.onsuccess = () => resolve(g.result); };
    }));
    assert.equal(kept.length, 4);
    assert.equal(kept.map((r) => r.hashes).join('').length, 7 * 16);
    assert.ok(!JSON.stringify(kept).includes('@'), 'no email is stored');

    // A reload; the same file with the broken row fixed: every batch is different now (the fixed
    // row comes first), but only the fixed prospect is offered.
    await page.reload();
    await h.started(page);
    const fixed = broken.replace('laurie(at)raviga.com', 'laurie@raviga.com');
    await prepare(page, { csv: fixed, valid: 8 });
    await page.getByRole('button', { name: 'Queue 8 prospects' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /^.*Queue 1 prospect in 1 batch to .*up to 1\.5 credits.*7 prospects already sent from this browser to this endpoint with this key are left out too\./s);
    // Once the dialog is closed (here with Escape), the dry run shows the whole file again.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await h.openRequests(page);
    await page.getByLabel('Batch', { exact: true }).fill('1');
    await page.getByLabel('Batch', { exact: true }).dispatchEvent('change');
    await poll(async () => /erlich@bachmanity\.com/.test(await page.getByLabel('Request body').inputValue()), 'the whole first batch in the dry run');
    assert.deepEqual(JSON.parse(await page.getByLabel('Request body').inputValue()).prospects.map((x) => x.email), ['laurie@raviga.com', 'erlich@bachmanity.com']);
    await page.getByRole('button', { name: 'Queue 8 prospects' }).click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Queue now' }).click();
    assert.match(await finished(page), /^Finished: 1 sent, 0 failed, 0 not sent;/);
    const posts = await queuePosts(sandbox);
    assert.equal(posts.length, 5);
    const emails = posts.flatMap((p) => p.body.prospects.map((x) => x.email));
    assert.deepEqual([...emails].sort(), ['laurie@raviga.com', ...ROWS.map((r) => r[0])].sort(), 'each prospect sent exactly once');
    assert.deepEqual(posts[4].body, { prospects: [{ email: 'laurie@raviga.com', first_name: 'Laurie', last_name: 'Bream' }] });
    // The history groups the batches under their runs, newest first, each with its totals.
    const heads = await page.locator('#history h4').allTextContents();
    assert.equal(heads.length, 2);
    assert.match(heads[0], new RegExp('^Run of pasted\\.csv, started .+, to ' + sandbox.url.replace(/\./g, '\\.') + ': 1 batch: 1 sent · 1 of 1 prospect queued\\.$'));
    assert.match(heads[1], /^Run of pasted\.csv, .*: 4 batches: 4 sent · 7 of 7 prospects queued\.$/);
    assert.equal(await page.locator('#history section').nth(0).locator('li').count(), 1);
    assert.equal(await page.locator('#history section').nth(1).locator('li').count(), 4);

    // Now all of them were sent: nothing is offered; "Queue them again anyway" sends them all.
    await page.getByRole('button', { name: 'Queue 8 prospects' }).click();
    await page.locator('#queue-note').filter({ hasText: 'All 8 prospects of this file were already sent from this browser to ' + sandbox.url + ', on ' }).waitFor();
    await page.getByRole('button', { name: 'Queue them again anyway' }).click();
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /Queue all 8 prospects in 4 batches to .* again\?/);
    await dialog.getByRole('button', { name: 'Back' }).click();

    // Clearing the history forgets them: the whole file is offered again.
    await page.getByRole('button', { name: 'Clear history' }).click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Clear history' }).click();
    await page.getByRole('button', { name: 'Queue 8 prospects' }).click();
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /Queue 8 prospects in 4 batches to /);
    assert.doesNotMatch(await dialog.textContent(), /already sent/);
    await dialog.getByRole('button', { name: 'Back' }).click();
    assert.equal((await queuePosts(sandbox)).length, 5);
  });
});

// A run that left out prospects queued by an earlier run (issue 11), whose one batch lost its answer:
// after a reload, tracking looks up the email that batch sent, not the one it left out (which the
// earlier run queued), so the batch is settled as what it sent: 1 of 1 queued, not 2.
test('tracking after a reload looks up only the prospects a lost-answer batch sent, not those it left out', async () => {
  await scenario({ faults: [PASS, PASS, PASS, PASS, { match: 'queue', type: 'hold', process: true }] }, async ({ sandbox, page }) => {
    const broken = ['Email,First Name,Last Name', 'laurie(at)raviga.com,Laurie,Bream', ...ROWS.map((r) => r.join(','))].join('\n');
    await prepare(page, { csv: broken });
    await queueAll(page);
    assert.equal(await finished(page), 'Finished: 4 sent, 0 failed, 0 not sent; 7 of 7 prospects queued.');
    // The fixed row is sent in a batch of its own file's plan with erlich@, who is left out.
    const fixed = broken.replace('laurie(at)raviga.com', 'laurie@raviga.com');
    await prepare(page, { csv: fixed, valid: 8 });
    await queueAll(page, 8);
    await poll(async () => (await sandbox.requests()).some((r) => r.path === QUEUE_PATH && r.fault === 'hold:processed'), 'the batch processed, its answer held');
    await page.reload();
    await h.started(page);
    assert.deepEqual(states(await table(page)), ['unconfirmed']);
    await prepare(page, { csv: fixed, valid: 8 });
    await page.getByRole('button', { name: 'Track this run' }).click();
    await page.locator('#track-run-text', { hasText: /^Tracked 1 batch\./ }).waitFor();
    const lookups = (await sandbox.requests()).filter((r) => r.method === 'POST' && r.path === QUERY_PATH);
    assert.deepEqual(lookups.map((r) => r.body.emails), [['laurie@raviga.com']], 'the email the batch sent, not erlich@');
    assert.deepEqual(states(await table(page)), ['sent']);
    assert.equal(await page.locator('#run-totals').textContent(), '1 batch: 1 sent · 1 of 1 prospect queued.');
    await sandbox.release();
  });
});

test('reload while batch 2 is in flight: the ledger keeps batch 1 sent and batch 2 unconfirmed; the resend sends only the rest', async () => {
  // Batch 2's answer comes after 2 minutes: the reload is certain to happen while it is in flight.
  await scenario({ faults: [PASS, { match: 'queue', type: 'slow', delay_ms: 120000 }] }, async ({ sandbox, page }) => {
    await prepare(page);
    await queueAll(page);
    await page.locator('#batches tr').nth(1).locator('td', { hasText: /^sending…$/ }).waitFor();
    await poll(async () => (await queuePosts(sandbox)).length >= 2, 'batch 2 at the sandbox');
    const sentUuid = uuidOf((await table(page))[0].result);
    assert.ok(sentUuid);

    await page.reload();
    const ledger = await h.ledgerRuns(page);
    const run = ledger[ledger.length - 1];
    assert.deepEqual(run.batches.map((b) => [b.state, b.uuid]), [['sent', sentUuid], ['unconfirmed', null], ['not_sent', null], ['not_sent', null]]);
    // Only what is needed to recognise the batches: size, first and last email, a key; not the email list.
    assert.deepEqual(run.batches.map((b) => [b.count, b.first, b.last]), BODIES.map((b) => [b.prospects.length, b.prospects[0].email, b.prospects[b.prospects.length - 1].email]));
    assert.ok(run.batches.every((b) => /^[0-9a-f]{16}-\d+$/.test(b.key) && !('emails' in b)));
    const storage = await page.evaluate(() => JSON.stringify([Object.assign({}, localStorage), Object.assign({}, sessionStorage)]));
    assert.ok(!storage.includes(h.SANDBOX_KEY), 'no key in storage');
    assert.equal(await page.getByLabel('API key').inputValue(), '', 'the key is not remembered without "Remember in this tab"');

    const rows = await table(page);
    assert.deepEqual(states(rows), ['sent', 'unconfirmed', 'not sent', 'not sent']);
    assert.equal(uuidOf(rows[0].result), sentUuid);
    assert.match(rows[1].result, /The page was closed while this batch was being sent; its outcome is unknown/);
    assert.match(rows[2].result, /The page was closed before this batch was sent/);

    // No file loaded yet: a visible line names the run's file and date and what is left to do, and
    // the queue button is off (if it is clicked anyway, it says why instead of failing).
    const note = page.locator('#run-note');
    assert.ok(await note.isVisible());
    assert.match(await note.textContent(), /^Run of pasted\.csv, started .+\. Load pasted\.csv again to send the 3 batches that were not sent\.$/);
    const queueBtn = page.locator('#queue-btn');
    assert.equal(await queueBtn.isDisabled(), true);
    await queueBtn.evaluate((b) => { b.disabled = false; b.click(); b.disabled = true; });
    await page.locator('#queue-note').filter({ hasText: 'There is no valid file loaded, so there is nothing to queue yet. To send what is left of the last run, load pasted.csv again.' }).waitFor();
    assert.deepEqual(page.consoleLines.filter((l) => /^error|pageerror/.test(l)), []);

    await prepare(page);
    assert.equal(await queueBtn.isDisabled(), false);
    await note.filter({ hasText: /Use “Send 3 failed or unsent batches” to send the 3 batches that were not sent/ }).waitFor();
    await resend(page, 3);
    const text = await finished(page);
    // Batch 2's earlier attempt was unconfirmed: if the resend finds it NOT_ENQUEUED, that attempt
    // queued it, so it counts as queued either way.
    assert.equal(text, 'Finished: 4 sent, 0 failed, 0 not sent; 7 of 7 prospects queued.');
    assert.deepEqual(states(await table(page)), ['sent', 'sent', 'sent', 'sent']);
    const posts = await queuePosts(sandbox);
    assert.deepEqual(batchOrder(posts), [1, 2, 2, 3, 4], 'batch 1 never re-sent after its success');
    assertKey(posts);
  });
});

test('Cancel during a Retry-After wait: nothing more is sent, the rest not sent', async () => {
  // Retry-After is 10 minutes: the run can only finish within the test's limit if Cancel ends the wait.
  await scenario({ faults: [PASS, { match: 'queue', type: 'status', status: 429, retry_after: '600' }] }, async ({ sandbox, page }) => {
    await prepare(page);
    await queueAll(page);
    await progress(page).getByText('Waiting for the rate limit: Rate limited by the API (429); waiting 600s before retrying. (retries so far: 1)').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    const text = await finished(page, 120000);
    assert.equal(text, 'Finished: 1 sent, 0 failed, 3 not sent; 2 of 7 prospects queued (1 retry). Cancelled: the remaining batches were not sent.');
    const rows = await table(page);
    assert.deepEqual(states(rows), ['sent', 'not sent', 'not sent', 'not sent']);
    assert.match(rows[1].result, /^Cancelled while waiting to retry/);
    assert.match(rows[2].result, /^Cancelled: the remaining batches were not sent\.$/);
    assert.equal(await page.getByRole('button', { name: 'Cancel' }).isVisible(), false);
    await page.getByRole('button', { name: 'Send 3 failed or unsent batches', exact: true }).waitFor();
    const posts = await queuePosts(sandbox);
    assert.deepEqual(batchOrder(posts), [1, 2]);
    assert.equal(posts[1].response_status, 429);
  });
});

test('tracking: auto-refresh polls the uuid until every prospect is final; per-prospect results, raw JSON, lookup by email', async () => {
  await scenario({ args: ['--progress-seconds', '3'] }, async ({ sandbox, page }) => {
    // The page's clock runs as usual, until the test stops it to look for polls that should not come.
    await page.clock.install();
    const statusCalls = await countStatusCalls(page);
    await prepare(page, { csv: 'Email\nerlich@bachmanity.com\nnodata@example.com\nx@gmail.com', valid: 3, batchSize: 5 });
    await queueAll(page, 3);
    assert.equal(await finished(page), 'Finished: 1 sent, 0 failed, 0 not sent; 3 of 3 prospects queued.');
    const uuid = uuidOf((await table(page))[0].result);
    await page.locator('#batches').getByRole('button', { name: 'Track' }).click();
    const result = page.locator('#track-result');
    await result.getByText('Batch ' + uuid, { exact: true }).waitFor();
    await result.getByText(/— in progress\.$/).waitFor();
    await result.getByText(/COMPLETED — finished\.$/).waitFor({ timeout: 120000 });
    const prospects = await result.getByRole('table', { name: 'Prospects of batch ' + uuid }).locator('tbody tr').evaluateAll(
      (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.deepEqual(prospects, [
      ['erlich@bachmanity.com', 'PROCESSED', 'ENRICHED'],
      ['nodata@example.com', 'PROCESSED', 'NO_DATA_FOUND'],
      ['x@gmail.com', 'PROCESSED', 'NOT_IN_DATABASE'],
    ]);
    await result.getByText('Raw answer (HTTP 200)').click();
    const raw = JSON.parse(await result.locator('pre').textContent());
    assert.equal(raw.uuid, uuid);
    assert.equal(raw.status, 'COMPLETED');

    const gets = () => sandbox.requests().then((rs) => rs.filter((r) => r.method === 'GET'));
    const polled = await gets();
    assert.ok(polled.length >= 2, 'polled more than once: ' + polled.length);
    assert.ok(polled.every((r) => r.path === QUEUE_PATH + '/' + uuid && r.api_key_sha256_prefix === h.keyHash(h.SANDBOX_KEY)));
    // No poll after the final answer: stop the page's clock and run a minute of it (twelve poll
    // intervals); a poll would be handed to the worker while its timer runs.
    const calls = await statusCalls();
    assert.equal(calls, polled.length, 'every status call reached the sandbox');
    await h.pauseClock(page);
    await page.clock.runFor(60000);
    assert.equal(await statusCalls(), calls, 'polling stopped once every prospect was final');
    await page.clock.resume();

    await page.getByLabel('Look up by email').fill('NODATA@example.com; x@gmail.com');
    await page.getByRole('button', { name: 'Look up', exact: true }).click();
    await result.getByText('Statuses for NODATA@example.com, x@gmail.com').waitFor();
    const rows = await result.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.querySelector('td').textContent));
    assert.deepEqual(rows, ['nodata@example.com', 'x@gmail.com']);
    const q = (await sandbox.requests()).filter((r) => r.path === QUERY_PATH);
    assert.deepEqual(q.map((r) => r.body), [{ emails: ['NODATA@example.com', 'x@gmail.com'] }]);
  });
});

test('CORS block from file://: the user is told about the proxy and curl; no request got through', async () => {
  await scenario({ args: ['--no-cors'] }, async ({ sandbox, page }) => {
    await prepare(page);
    await queueAll(page);
    const text = await finished(page);
    assert.equal(text, 'Finished: 0 sent, 0 failed, 4 not sent; 0 of 7 prospects queued (1 retry). Stopped: the API could not be reached; the remaining batches were not sent.');
    const alert = await alertText(page);
    assert.match(alert, /No response from the API: the browser blocked the request or the network is down/);
    assert.match(alert, /CORS/);
    assert.match(alert, /scripts\/run\.sh/);
    assert.match(alert, /curl command from the dry run/);
    assert.deepEqual(states(await table(page)), ['not sent', 'not sent', 'not sent', 'not sent']);
    // The preflight (x-api-key, JSON) is refused, so the POST itself never reaches the API.
    const st = await sandbox.state();
    assert.equal((await queuePosts(sandbox)).length, 0);
    assert.equal(st.options_count, 2, 'two attempts (their preflights): one retry in case the first was a dropped connection');
  });
});

test('the key stays out of the console, localStorage and exports; sessionStorage only with "Remember in this tab"', async () => {
  const key = 'pe-test-Secret-Key-4d1f9a';
  await scenario({ key, args: ['--key', key] }, async ({ sandbox, page }) => {
    const session = () => page.evaluate(() => JSON.stringify(Object.assign({}, sessionStorage)));
    await prepare(page, { key });
    assert.ok(!(await session()).includes(key), 'not in sessionStorage by default');
    await page.getByLabel('Remember in this tab').check();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('pe.apiKey')), key);
    await page.getByLabel('Remember in this tab').uncheck();
    assert.ok(!(await session()).includes(key), 'removed when unticked');

    // The confirm dialog's Back sends nothing.
    await page.getByRole('button', { name: 'Queue 7 prospects' }).click();
    await page.getByRole('dialog').getByRole('button', { name: /^(Back|Cancel)$/ }).click();
    assert.equal(await page.getByRole('dialog').isVisible(), false);
    assert.equal((await queuePosts(sandbox)).length, 0);

    await queueAll(page);
    await finished(page);
    const posts = await queuePosts(sandbox);
    assert.deepEqual(batchOrder(posts), [1, 2, 3, 4]);
    assertKey(posts, key);
    await page.locator('#batches').getByRole('button', { name: 'Track' }).first().click();
    await page.locator('#track-result').getByText(/Raw answer/).waitFor();

    for (const name of ['Download report CSV', 'Download cleaned CSV']) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
      const text = fs.readFileSync(await download.path(), 'utf8');
      assert.ok(text.includes('erlich@bachmanity.com'), name + ' has the prospects');
      assert.ok(!text.includes(key), name + ' has no key');
    }
    const dryRun = await page.getByLabel(/Equivalent curl command/).inputValue();
    assert.ok(dryRun.includes('$WOODPECKER_API_KEY') && !dryRun.includes(key), 'the curl command masks the key');
    assert.ok(!(await session()).includes(key));
    const all = await page.evaluate(() => JSON.stringify(Object.assign({}, localStorage)));
    assert.ok(all.includes('pe.history.v1') && !all.includes(key), 'localStorage: the history, never the key');
    // IndexedDB: the run, the prospects sent (hashes) and the file's work, never the key.
    const runs = await h.ledgerRuns(page);
    assert.equal(runs.length, 1);
    const stored = await page.evaluate(async () => JSON.stringify(await Promise.all(['runs', 'prospects', 'files'].map((st) => PE.idb.request(st, 'readonly', (s) => s.getAll())))));
    assert.ok(stored.includes(runs[0].id) && !stored.includes(key), 'IndexedDB holds the run, never the key');

    // Ticked, the key survives a reload of this tab (and only this tab's sessionStorage holds it).
    await page.getByLabel('Remember in this tab').check();
    await page.reload();
    assert.equal(await page.getByLabel('API key').inputValue(), key);
    assert.ok(!(await page.evaluate(() => JSON.stringify(Object.assign({}, localStorage)))).includes(key));
  });
});

test('during a run the data is locked: nothing that changes the batches can be touched, and the bodies sent are the ones planned', async () => {
  // Batch 2 waits 10 minutes for a rate limit: the run is in progress until the test cancels it.
  await scenario({ faults: [PASS, { match: 'queue', type: 'status', status: 429, retry_after: '600' }] }, async ({ sandbox, page }) => {
    await prepare(page);
    // The dialog opens on the safe button; after "Queue now" focus is on the run's Cancel button.
    await page.getByRole('button', { name: 'Queue 7 prospects' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Back');
    await dialog.getByRole('button', { name: 'Queue now' }).click();
    await page.waitForFunction(() => document.activeElement.id === 'cancel-btn');
    await progress(page).getByText(/^Waiting for the rate limit: /).waitFor();
    for (const label of ['Batch size', 'Prospects CSV', 'Encoding', 'Delimiter', 'Field for column Email']) {
      assert.equal(await page.getByLabel(label, { exact: true }).isDisabled(), true, label + ' is locked');
    }
    assert.equal(await page.getByRole('button', { name: 'Validate' }).isDisabled(), true);
    // Editing a cell is refused too (and said so).
    await page.locator('.grid-row .cell[data-col="0"]').first().dblclick();
    assert.equal(await page.locator('.cell-edit').count(), 0);
    // Focus on Cancel when the run ends (and the button goes) moves to the result, not <body>.
    await page.locator('#cancel-btn').focus();
    await page.keyboard.press('Enter');
    await finished(page, 120000);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'progress-text', 'focus follows the run, not <body>');
    assert.equal(await page.getByLabel('Batch size').isDisabled(), false, 'unlocked afterwards');
    await resend(page, 3);
    await finished(page);
    const posts = await queuePosts(sandbox);
    assert.deepEqual(posts.map((p) => p.body), [BODIES[0], BODIES[1], BODIES[1], BODIES[2], BODIES[3]]);
  });
});

test('two tabs keep both of their runs in the ledger', async () => {
  await scenario({}, async ({ sandbox, page }) => {
    const other = await page.context().newPage();   // same browser profile: shared localStorage
    await other.goto(page.url());
    await prepare(page);
    await prepare(other, { csv: 'email\n' + ['a', 'b', 'c'].map((x) => x + '@example.org').join('\n') + '\n', valid: 3 });
    await queueAll(page);
    await finished(page);
    await queueAll(other, 3);
    await finished(other);
    const runs = await h.ledgerRuns(page);
    assert.equal(runs.length, 2);
    assert.deepEqual(runs.map((r) => r.batches.length).sort(), [2, 4]);
    assert.equal((await queuePosts(sandbox)).length, 6);
  });
});

test('a second tab does not queue batches that another tab is still sending; it names that run, and may queue them once it ends', async () => {
  // Batch 1 of the first tab's run waits 10 minutes for a rate limit: its run is live meanwhile.
  await scenario({ faults: [{ match: 'queue', type: 'status', status: 429, retry_after: '600' }] }, async ({ sandbox, page }) => {
    const other = await page.context().newPage();   // same browser profile: shared localStorage
    await other.goto(page.url());
    await prepare(page);
    await prepare(other);
    await queueAll(page);
    await progress(page).getByText(/^Waiting for the rate limit: /).waitFor();
    const started = await h.ledgerRuns(page).then((r) => page.evaluate((c) => new Date(c).toLocaleString(), r[r.length - 1].created));

    await other.getByRole('button', { name: 'Queue 7 prospects' }).click();
    const note = other.locator('#queue-note');
    await note.filter({ hasText: '4 batches of this file are being sent right now by another tab of this browser (the run of pasted.csv, started ' + started + '), so nothing was sent.' }).waitFor();
    assert.equal(await other.getByRole('dialog').isVisible(), false, 'no confirmation is offered');
    assert.equal(await other.getByRole('button', { name: 'Queue them again anyway' }).isVisible(), false);
    assert.deepEqual(batchOrder(await queuePosts(sandbox)), [1], 'only the first tab\'s request');

    // The same file with one more row: its first 3 batches are the ones in flight, and its 4th holds
    // a prospect in flight (beside the new one); all refused.
    await prepare(other, { csv: CSV + '\nlaurie@raviga.com,Laurie,Bream', valid: 8 });
    await other.getByRole('button', { name: 'Queue 8 prospects' }).click();
    await note.filter({ hasText: /^4 batches of this file are being sent right now by another tab/ }).waitFor();
    // Edited at the top: every batch is cut differently (no batch key is the same), yet each one
    // holds prospects the first tab is sending: refused too.
    await prepare(other, { csv: CSV.replace('\n', '\nlaurie@raviga.com,Laurie,Bream\n'), valid: 8 });
    await note.evaluate((n) => { n.textContent = ''; });
    await other.getByRole('button', { name: 'Queue 8 prospects' }).click();
    await note.filter({ hasText: /^4 batches of this file are being sent right now by another tab/ }).waitFor();
    assert.deepEqual(batchOrder(await queuePosts(sandbox)), [1], 'still only the first tab\'s request');

    // Once the first tab's run has ended (cancelled: nothing of it was sent), the second tab may send.
    await page.getByRole('button', { name: 'Cancel' }).click();
    assert.match(await finished(page, 120000), /^Finished: 0 sent, 0 failed, 4 not sent;/);
    await prepare(other);
    await queueAll(other);
    assert.equal(await finished(other), 'Finished: 4 sent, 0 failed, 0 not sent; 7 of 7 prospects queued.');
    assert.deepEqual(batchOrder(await queuePosts(sandbox)), [1, 1, 2, 3, 4]);
  });
});

// The confirmation was opened before the other tab started: "Queue now" still sees that run (a tab
// that writes a run tells the others, which read the runs again), and sends nothing.
test('a confirmation opened before another tab started sending: "Queue now" sees that run and sends nothing', async () => {
  await scenario({ faults: [{ match: 'queue', type: 'status', status: 429, retry_after: '600' }] }, async ({ sandbox, page }) => {
    const other = await page.context().newPage();
    await other.goto(page.url());
    await prepare(page);
    await prepare(other);
    await other.getByRole('button', { name: 'Queue 7 prospects' }).click();
    const dialog = other.getByRole('dialog');
    await dialog.waitFor();
    await queueAll(page);
    await progress(page).getByText(/^Waiting for the rate limit: /).waitFor();
    // The second tab has heard of the first tab's run (without a reload, a click or a refocus).
    await other.waitForFunction(() => PE.ledger.runs().some((r) => PE.ledger.liveElsewhere(r)));
    await dialog.getByRole('button', { name: 'Queue now' }).click();
    await other.locator('#queue-note').filter({ hasText: /^4 batches of this file are being sent right now by another tab of this browser/ }).waitFor();
    assert.deepEqual(batchOrder(await queuePosts(sandbox)), [1], 'only the first tab\'s request');
    assert.equal(await other.locator('#cancel-btn').isVisible(), false, 'no run in the second tab');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await finished(page, 120000);
  });
});

test('a newer lookup replaces the tracked batch and stops its polling', async () => {
  await scenario({ args: ['--progress-seconds', '600'] }, async ({ sandbox, page }) => {
    await page.clock.install();
    const statusCalls = await countStatusCalls(page);
    await prepare(page);
    await queueAll(page);
    await finished(page);
    // The page's clock is stopped, so the poll timer that tracking sets cannot fire before the lookup.
    await h.pauseClock(page);
    await page.locator('#batches').getByRole('button', { name: 'Track batch 1' }).click();
    await page.locator('#track-result').getByText(/in progress/).first().waitFor();
    await page.getByLabel('Look up by email').fill('nelson@hooli.com');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.locator('#track-result h3', { hasText: 'Statuses for nelson@hooli.com' }).waitFor();
    const before = await statusCalls();
    assert.equal(before, 2, 'one track, one lookup');
    await page.clock.runFor(60000);   // twelve poll intervals
    assert.equal(await statusCalls(), before, 'no more polling of the batch');
    assert.equal((await sandbox.requests()).filter((r) => r.method === 'GET').length, 1);
    assert.equal(await page.locator('#track-result h3').textContent(), 'Statuses for nelson@hooli.com');
    await page.clock.resume();
  });
});

test('clearing the history during a run keeps that run and its batches; earlier runs are forgotten', async () => {
  // Batch 2 of the second run waits 10 minutes for a rate limit: the run stays in progress until
  // the test cancels it (no race against a timer).
  await scenario({ faults: [PASS, PASS, PASS, { match: 'queue', type: 'status', status: 429, retry_after: '600' }] }, async ({ sandbox, page }) => {
    await prepare(page, { csv: 'email\nold1@example.org\nold2@example.org\nold3@example.org', valid: 3 });
    await queueAll(page, 3);
    await finished(page);
    await prepare(page);
    await queueAll(page);
    await progress(page).getByText(/^Waiting for the rate limit: /).waitFor();
    await page.getByRole('button', { name: 'Clear history' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /The run in progress is kept\./);
    await dialog.getByRole('button', { name: 'Clear history' }).click();
    let runs = await h.ledgerRuns(page);
    assert.equal(runs.length, 1, 'only the run in progress is kept');
    assert.equal(await page.locator('#history li').count(), 1, 'the batch the run in progress has sent stays in the history');
    // The run goes on after the clearing: cancelled, then its rest sent again, it is still the one run.
    await page.getByRole('button', { name: 'Cancel' }).click();
    assert.match(await finished(page, 120000), /^Finished: 1 sent, 0 failed, 3 not sent;/);
    await resend(page, 3);
    assert.equal(await finished(page), 'Finished: 4 sent, 0 failed, 0 not sent; 7 of 7 prospects queued.');
    runs = await h.ledgerRuns(page);
    assert.equal(runs.length, 1);
    assert.deepEqual(runs[0].batches.map((b) => b.state), ['sent', 'sent', 'sent', 'sent']);
    assert.equal(await page.locator('#history li').count(), 4, 'the batches of the run in progress stay in the history');
    assert.deepEqual(states(await table(page)), ['sent', 'sent', 'sent', 'sent']);
  });
});

test('tracking: a 404 is announced, the created time is in the user\'s locale, and a finished batch is marked in the history', async () => {
  await scenario({ args: ['--progress-seconds', '2'] }, async ({ sandbox, page }) => {
    await prepare(page, { csv: 'Email\nerlich@bachmanity.com\nx@gmail.com', valid: 2, batchSize: 5 });
    await page.getByLabel('Batch uuid').fill('00000000-0000-0000-0000-000000000000');
    await page.getByRole('button', { name: 'Check status' }).click();
    await page.locator('#track-result .error', { hasText: 'The API does not know this batch (404)' }).waitFor();
    await page.waitForFunction(() => /does not know this batch \(404\)/.test(document.getElementById('live').textContent));

    await queueAll(page, 2);
    await finished(page);
    const history = page.locator('#history li').first();
    assert.match(await history.textContent(), /, ENQUEUED, 2 of 2 queued/);
    await page.locator('#batches').getByRole('button', { name: 'Track batch 1' }).click();
    const result = page.locator('#track-result');
    await result.getByText(/COMPLETED — finished\.$/).waitFor({ timeout: 120000 });
    await result.getByText(/Raw answer/).click();
    const created = JSON.parse(await result.locator('pre').textContent()).created;
    const local = await page.evaluate((c) => new Date(c).toLocaleString(), created);
    assert.match(await result.locator('p', { hasText: /^Batch / }).textContent(), new RegExp(', created ' + local.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + ', COMPLETED'));
    await history.filter({ hasText: /, finished, 2 of 2 queued/ }).waitFor();
    assert.equal(JSON.parse(await page.evaluate(() => localStorage.getItem('pe.history.v1')))[0].finished != null, true);
  });
});
