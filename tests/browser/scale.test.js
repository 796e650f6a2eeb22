// Runs at real scale (issue 11): a 20,000-row export queued in about 400 batches against the
// sandbox, with one batch refused and one answer lost after the sandbox processed it. The page
// stays small (the batches are grouped, not one row each), the run's totals line agrees with what
// the sandbox recorded, and every valid prospect was queued exactly once. Then the whole run is
// tracked (a GET per batch, one at a time, waiting on a 429 as asked): its enrichment totals and
// credits used agree with the sandbox's outcomes.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const h = require('./harness');

const ROWS = 20000;
const INVALID_EVERY = 200;   // rows 200, 400, ...: an email with no @ (100 rows)
const BATCH = 50;

function exportCsv() {
  const lines = ['Email,First Name,Last Name,Company,Website'];
  for (let i = 1; i <= ROWS; i++) {
    // The sandbox's outcomes: example.com is in its database (ENRICHED), a "nodata" address there
    // has no data (NO_DATA_FOUND), the company domains are not in it (NOT_IN_DATABASE).
    const email = i % INVALID_EVERY === 0 ? 'broken' + i
      : i % 3 === 0 ? 'person' + i + '@example.com' : i % 3 === 1 ? 'nodata' + i + '@example.com' : 'person' + i + '@company' + (i % 997) + '.com';
    lines.push([email, 'First' + i, 'Last' + i, 'Company ' + (i % 997), 'company' + (i % 997) + '.com'].join(','));
  }
  return lines.join('\n') + '\n';
}

let browser;
test.before(async () => { browser = await h.launch(); });
test.after(async () => { if (browser) await browser.close(); });

test('a 20,000-row file in 398 batches: one line of totals, a grouped table, each prospect queued once', async () => {
  const sandbox = await h.startSandbox(['--credits', '100000']);  // 1.5 per prospect: room for all
  let page = null;
  try {
    // Batches complete 15 s after they are queued: the batch whose answer was lost is still
    // pending when it is sent again (as with the real API, whose enrichment takes minutes), so the
    // second attempt queues nothing twice.
    await sandbox.config({ progress_seconds: 15 });
    await sandbox.faults([
      // The 10th batch is refused (not processed); the 20th is processed but its answer is lost.
      { match: 'queue', type: 'status', status: 400, after: 9,
        body: { title: 'Bad Request', status: 400, detail: 'refused by the test', timestamp: '2026-11-29 08:00:00' } },
      { match: 'queue', type: 'drop', process: true, after: 18 },
      // Tracking: the 6th status request is rate limited once, with a Retry-After of a second.
      { match: 'get', type: 'status', status: 429, retry_after: '1', after: 5 },
    ]);
    page = await h.openPage(browser, h.FILE_URL + '?api=' + encodeURIComponent(sandbox.url));
    await h.started(page);
    await page.getByLabel('API key').fill(h.SANDBOX_KEY);
    await page.getByLabel('Batch size').fill(String(BATCH));
    await page.getByLabel('Upload CSV or Excel file').setInputFiles({ name: 'export-20000.csv', mimeType: 'text/csv', buffer: Buffer.from(exportCsv()) });
    const valid = ROWS - ROWS / INVALID_EVERY;  // 19,900
    await page.getByRole('button', { name: 'Queue 19,900 prospects' }).waitFor();
    await page.getByRole('button', { name: 'Queue 19,900 prospects' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /Queue 19,900 prospects in 398 batches/);
    await dialog.getByRole('button', { name: 'Queue now' }).click();

    // While it runs: one line of totals with the time so far; the table stays small.
    await page.locator('#run-totals', { hasText: /^398 batches: \d+ sent.* · [\d,]+ of 19,900 prospects queued \(.*[\d,]+ waiting\) · \d+/ }).waitFor({ timeout: 120000 });
    const done = page.locator('#progress-text', { hasText: /^Finished:/ });
    await done.waitFor({ timeout: 300000 });
    assert.match(await done.textContent(), /^Finished: 397 sent, 1 failed, 0 not sent; 19,850 of 19,900 prospects queued/);
    assert.equal(await page.locator('#run-totals').textContent(),
      '398 batches: 397 sent, 1 failed · 19,850 of 19,900 prospects queued (50 failed).');

    // The failed batch first, with its reason; the 397 sent ones in one row.
    const rows = await page.$$eval('#batches tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.equal(rows.length, 2);
    assert.deepEqual(rows[0].slice(0, 3), ['10', '50', 'failed']);
    assert.match(rows[0][3], /refused by the test/);
    assert.deepEqual(rows[1], ['397 batches', '19,850', 'sent', '19,850 of 19,850 prospects queued.']);
    // The history: the run under one heading with its totals, its newest 50 batches listed.
    const head = page.locator('#history h4');
    assert.equal(await head.count(), 1);
    assert.match(await head.textContent(), /^Run of export-20000\.csv, started .+: 398 batches: 397 sent, 1 failed · 19,850 of 19,900 prospects queued \(50 failed\)\.$/);
    assert.equal(await page.locator('#history li').count(), 50);
    assert.equal(await page.locator('#history .hint').textContent(), 'And 346 earlier batches of this run.');
    // The whole page stays small: the grid shows a window of rows, the run a row per state.
    assert.ok(await page.evaluate(() => document.getElementsByTagName('*').length) < 2500);
    // The same file again: only the refused batch's 50 prospects are offered; the 19,850 confirmed
    // ones (kept as hashes in this browser) are left out.
    await page.getByRole('button', { name: 'Queue 19,900 prospects' }).click();
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /Queue 50 prospects in 1 batch to .*19,850 prospects already sent from this browser to this endpoint with this key are left out too\./);
    await dialog.getByRole('button', { name: 'Back' }).click();

    // What the sandbox recorded: every valid prospect but the refused batch's, each exactly once
    // (the batch whose answer was lost was sent again and not queued twice).
    const recorded = await sandbox.prospects();
    const emails = recorded.map((p) => p.email);
    assert.equal(emails.length, valid - BATCH);
    assert.equal(new Set(emails).size, emails.length, 'no prospect queued twice');
    assert.ok(!emails.some((e) => e.startsWith('broken')));

    // Once the sandbox has processed every batch (a condition, not a pause), track the whole run:
    // a GET per batch with a uuid; the batch whose answer was lost has no uuid of its own (its
    // prospects were queued by the attempt whose answer was lost), so its emails are looked up
    // (the statuses query).
    for (const end = Date.now() + 300000; ;) {
      if ((await sandbox.prospects()).every((p) => p.processing_result)) break;
      assert.ok(Date.now() < end, 'the sandbox processes every batch');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const final = await sandbox.prospects();
    const uuids = (await h.ledgerRuns(page))[0].batches.map((b) => b.uuid).filter(Boolean);
    assert.equal(uuids.length, 396);
    await page.getByRole('button', { name: 'Track this run' }).click();
    const tracked = page.locator('#track-run-text', { hasText: /^Tracked / });
    await tracked.waitFor({ timeout: 300000 });
    assert.equal(await tracked.textContent(), 'Tracked 397 batches.');
    const mine = final;
    const count = (r) => mine.filter((p) => p.processing_result === r).length;
    const [enriched, nodata, absent] = [count('ENRICHED'), count('NO_DATA_FOUND'), count('NOT_IN_DATABASE')];
    assert.equal(enriched + nodata + absent, 397 * BATCH);
    assert.ok(enriched > 6000 && nodata > 6000 && absent > 6000);
    const f = (n) => n.toLocaleString('en-US');
    const parts = [[enriched, 'ENRICHED'], [nodata, 'NO_DATA_FOUND'], [absent, 'NOT_IN_DATABASE']].sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? -1 : 1)).map(([n, k]) => f(n) + ' ' + k);  // by count, then name
    assert.equal(await page.locator('#run-enrichment').textContent(),
      'Enrichment (397 of 397 batches tracked): 19,850 prospects — ' + parts.join(', ') + '. Credits used: ' +
      f(1.5 * enriched) + ' (1.5 per enriched prospect) of at most 29,775.');
    // One GET per tracked batch, plus the one that was rate limited and asked again.
    const gets = (await sandbox.requests()).filter((r) => r.method === 'GET' && r.path.startsWith('/rest/v2/lead_finder/prospects/enrichments/'));
    assert.equal(gets.length, 397);
    const queries = (await sandbox.requests()).filter((r) => r.method === 'POST' && r.path.endsWith('/statuses/query'));
    assert.equal(queries.length, 1, 'the 50 emails of the lost answer in one look-up');
    assert.equal(await page.getByRole('button', { name: 'Track this run' }).isHidden(), true, 'nothing left to track');

    // Results per input row: every row of the file with its own columns, how it was checked, and
    // its prospect's queue outcome and enrichment, row for row as the sandbox recorded them.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download results per row (CSV)' }).click()]);
    assert.equal(download.suggestedFilename(), 'export-20000-results.csv');
    const lines = fs.readFileSync(await download.path(), 'utf8').replace(/^\ufeff/, '').trim().split('\r\n');
    assert.equal(lines[0], 'Email,First Name,Last Name,Company,Website,validation,validation_details,batch_uuid,queue_outcome,queue_details,enrichment_status,enrichment_result');
    assert.equal(lines.length, 1 + ROWS);
    const byEmail = new Map(final.map((p) => [p.email, p]));
    const tally = {};
    for (let i = 1; i <= ROWS; i++) {
      const cells = lines[i].split(',');
      assert.equal(cells[1], 'First' + i, 'row ' + i + ' in file order with its own columns');
      const outcome = cells[5] + '/' + cells[8];
      tally[outcome] = (tally[outcome] || 0) + 1;
      const p = byEmail.get(cells[0]);
      if (cells[8] === 'queued') {
        assert.ok(p, 'row ' + i + ': queued, and the sandbox has it');
        assert.deepEqual([cells[7], cells.at(-2), cells.at(-1)], [p.uuid, p.status, p.processing_result], 'row ' + i);
      }
    }
    // Every queued prospect with its enrichment (the lost answer's by look-up); the refused batch
    // failed; 100 rows invalid.
    assert.deepEqual(tally, { 'valid/queued': 19850, 'valid/failed': 50, 'invalid/': 100 });
    assert.equal(lines.filter((l) => /,PROCESSED,(ENRICHED|NO_DATA_FOUND|NOT_IN_DATABASE)$/.test(l)).length, 397 * BATCH);
  } finally {
    if (page) await page.context().close();
    await sandbox.stop();
  }
});

// A run of a million rows (19,600 batches of 50) is a ledger record of megabytes: more than the
// 5 MB localStorage gives a whole origin, where older pages kept it. Kept in IndexedDB, it is there
// after a reload, with its totals and its batches grouped; the earlier localStorage ledger is moved
// over once. (The run is written as the page writes one, without sending 19,600 requests.)
test('a run of 19,600 batches is kept across a reload; an older page\'s localStorage ledger is moved over', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  try {
    // An earlier page's ledger in localStorage: one small run.
    const small = { id: 'legacy1', owner: 'gone', heartbeat: 0, created: '2026-05-01T08:00:00.000Z', baseUrl: 'https://api.woodpecker.co', file: 'old.csv',
      batches: [{ index: 0, count: 2, key: 'k0', first: 'a@x.co', last: 'b@x.co', state: 'sent', uuid: 'u-old', message: '', status: 'ENQUEUED', counts: { queued: 2, submitted: 2 } }] };
    await page.evaluate((r) => localStorage.setItem('pe.ledger.v2', JSON.stringify({ runs: [r] })), small);
    await page.reload();
    await h.started(page);
    assert.equal(await page.evaluate(() => localStorage.getItem('pe.ledger.v2')), null, 'moved out of localStorage');
    assert.deepEqual((await h.ledgerRuns(page)).map((r) => r.id), ['legacy1']);
    const size = await page.evaluate(() => {
      const batches = [];
      for (let i = 0; i < 19600; i++) {
        const failed = i >= 19590;
        batches.push({ index: i, count: 50, key: 'key' + i.toString(16).padStart(12, '0'), first: 'first' + i + '@company' + i + '.com',
          last: 'last' + i + '@company' + i + '.com', state: failed ? 'failed' : 'sent', uuid: failed ? null : '00000000-0000-4000-8000-' + String(i).padStart(12, '0'),
          message: failed ? 'The API answered 500 three times.' : '', status: failed ? undefined : 'ENQUEUED', counts: failed ? undefined : { queued: 50, submitted: 50 },
          tracked: failed ? undefined : { at: new Date().toISOString(), total: 50, pending: 0, results: { enriched: 41, no_data: 5, not_found: 4 } } });
      }
      const run = { id: 'big1', owner: 'another-tab', heartbeat: 0, created: new Date().toISOString(), baseUrl: 'https://api.woodpecker.co', file: 'export-1000000.csv', keyFp: 'abcdef0123456789', batches };
      PE.ledger.save(run);
      // What an older page did with it: localStorage refuses it (its quota is about 5 MB per origin).
      const text = JSON.stringify({ runs: [run] });
      let refused = false;
      try { localStorage.setItem('pe.probe', text); localStorage.removeItem('pe.probe'); } catch (e) { refused = true; }
      return { chars: text.length, refused };
    });
    assert.ok(size.refused, 'localStorage refuses the run (' + size.chars + ' characters)');
    assert.deepEqual((await h.ledgerRuns(page)).map((r) => r.id), ['legacy1', 'big1'], 'written (the page is reloaded once it is)');
    await page.reload();
    await h.started(page);
    const runs = await h.ledgerRuns(page);
    assert.deepEqual(runs.map((r) => [r.id, r.batches.length]), [['legacy1', 1], ['big1', 19600]]);
    await page.locator('#run-totals').filter({ hasText: /^19,600 batches: 19,590 sent, 10 failed · 979,500 of 980,000 prospects queued \(500 failed\)\.$/ }).waitFor();
    // The table stays small: the failed batches first, the sent ones as one group.
    assert.ok(await page.locator('#batches tr').count() < 60);
  } finally {
    await page.context().close();
  }
});
