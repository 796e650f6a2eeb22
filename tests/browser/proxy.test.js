// The page served by nginx (scripts/nginx.conf.in) talking to the sandbox through its same-origin
// /sandbox/ path, where the sandbox refuses a batch as too large (413). nginx must pass the 413 on
// (not turn it into 502, which the page would retry), and the page must say what to do.
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
