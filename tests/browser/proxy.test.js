// The page served by nginx (scripts/nginx.conf.in) talking to the sandbox through its same-origin
// /sandbox/ path, where the sandbox refuses a batch as too large (413). nginx must pass the 413 on
// (not turn it into 502, which the page would retry), and the page must say what to do. And a
// connection the API drops after processing a batch reaches the page as nginx's 502: that attempt
// may have queued it, so the retry's NOT_ENQUEUED confirms it as queued (issue 11), not "0 queued".
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const QUEUE_PATH = '/rest/v2/lead_finder/prospects/enrichments';
const LIMIT = 1024 * 1024;                 // the sandbox's lowered body limit (max_body_bytes)
const BIG = 'Pied Piper '.repeat(300000);  // 3.3 MB of company name: batch 1 (two rows) is ~6.6 MB

// Batch size 2: batch 1 is the two rows with the huge company name, batch 2 the small row.
const CSV = [
  'Email,First Name,Company',
  'richard@piedpiper.com,Richard,' + BIG,
  'jared@piedpiper.com,Jared,' + BIG,
  'erlich@bachmanity.com,Erlich,Bachmanity',
].join('\n');

test('a batch over the sandbox\'s body limit, through nginx: one 413, no retry, the run stops, "lower the batch size"', async () => {
  const sandbox = await h.startSandbox();
  const nginx = await h.startNginx(sandbox.port);
  const browser = await h.launch();
  try {
    await sandbox.config({ max_body_bytes: LIMIT });
    const page = await h.openPage(browser, nginx.url + '/');
    await page.getByLabel('API endpoint').selectOption({ label: 'Local sandbox — no account, no credits' });
    assert.equal(await page.getByLabel('API base URL').inputValue(), nginx.url + '/sandbox');
    await page.getByLabel('API key').fill(h.SANDBOX_KEY);
    await page.getByLabel('Batch size').fill('2');
    await page.getByLabel('Prospects CSV').fill(CSV);
    await page.getByRole('button', { name: 'Validate' }).click();
    await page.locator('#summary .stat', { hasText: /^Valid/ }).locator('dd').getByText('3', { exact: true }).waitFor();

    await page.getByRole('button', { name: 'Queue 3 prospects' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Queue now' }).click();
    // Waits for the run to end: a generous deadline, only reached when something is broken.
    await page.locator('#progress-text').filter({ hasText: /^Finished:/ }).waitFor({ timeout: 300000 });

    // The page: batch 1 failed with the reason and the advice; batch 2 (as large a batch size) was
    // not sent: the run stops at a 413.
    const rows = await page.$$eval('#batches tr', (trs) => trs.map((tr) => {
      const td = tr.querySelectorAll('td');
      return { state: td[2].textContent, result: td[3].textContent };
    }));
    // The sandbox saw batch 1 once (refused with 413 after reading it whole) and nothing else.
    const posts = (await sandbox.requests()).filter((r) => r.method === 'POST' && r.path === QUEUE_PATH);
    assert.deepEqual(posts.map((p) => p.response_status), [413], 'one request: the 413 was not retried and the run stopped; the page said: ' + rows[0].result);
    assert.ok(posts[0].body_bytes > LIMIT, 'batch 1 was over the limit: ' + posts[0].body_bytes);
    assert.equal(posts[0].body, null, 'a refused body is not kept');

    assert.deepEqual(rows.map((r) => r.state), ['failed', 'not sent']);
    assert.match(rows[1].result, /too large/i);
    assert.match(await page.locator('#alert-text').textContent(), /batch size/i);
    // The wording of decide() may change; it keeps "too large" and "batch size" (case aside).
    assert.match(rows[0].result, /too large/i);
    assert.match(rows[0].result, /batch size/i);
    assert.doesNotMatch(rows[0].result, /502|server error/i);
    assert.ok(!page.consoleLines.some((l) => l.includes(h.SANDBOX_KEY)), 'the key never reaches the console');
  } finally {
    await browser.close();
    await nginx.stop();
    await sandbox.stop();
  }
});

test('issue 11: an answer lost behind the proxy (502 after the API processed batch 2) is not "0 queued": the retry\'s NOT_ENQUEUED confirms it', async () => {
  const sandbox = await h.startSandbox();
  const nginx = await h.startNginx(sandbox.port);
  const browser = await h.launch();
  try {
    await sandbox.faults([{ match: 'queue', type: 'slow', delay_ms: 0 }, { match: 'queue', type: 'drop', process: true }]);
    const page = await h.openPage(browser, nginx.url + '/');
    await page.getByLabel('API endpoint').selectOption({ label: 'Local sandbox — no account, no credits' });
    await page.getByLabel('API key').fill(h.SANDBOX_KEY);
    await page.getByLabel('Batch size').fill('2');
    await page.getByLabel('Prospects CSV').fill(['Email,First Name,Last Name', 'erlich@bachmanity.com,Erlich,Bachman',
      'jared@piedpiper.com,Jared,Dunn', 'richard@piedpiper.com,Richard,Hendricks', 'dinesh@piedpiper.com,Dinesh,Chugtai',
      'gavin@hooli.com,Gavin,Belson'].join('\n'));
    await page.getByRole('button', { name: 'Validate' }).click();
    await page.locator('#summary .stat', { hasText: /^Valid/ }).locator('dd').getByText('5', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Queue 5 prospects' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Queue now' }).click();
    const done = page.locator('#progress-text').filter({ hasText: /^Finished:/ });
    await done.waitFor({ timeout: 120000 });
    const posts = (await sandbox.requests()).filter((r) => r.method === 'POST' && r.path === QUEUE_PATH);
    assert.deepEqual(posts.map((p) => p.fault), ['slow:0ms', 'drop:processed', null, null], 'batch 2 was processed, its answer dropped, then sent again');
    assert.equal((await sandbox.state()).credits, 1000 - 5 * 1.5, 'batch 2 reserved once');
    // Before: "sent, 0 of 2 queued" and a total of 3 of 5.
    assert.equal(await done.textContent(), 'Finished: 3 sent, 0 failed, 0 not sent; 5 of 5 prospects queued (1 retry).');
    const second = await page.locator('#batches tr').nth(1).locator('td').nth(3).textContent();
    assert.match(second, /^NOT_ENQUEUED: 0 of 2 queued\./);
    assert.match(second, /An earlier attempt of this batch got no answer; that attempt most likely queued its 2 prospects, so they are counted as queued/);
  } finally {
    await browser.close();
    await nginx.stop();
    await sandbox.stop();
  }
});
