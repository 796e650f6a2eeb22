// The thin slice end to end: paste CSV -> per-row errors -> queue valid rows to the sandbox through
// emscripten_fetch -> uuid, counts and status on the page. Once from file://, once through nginx.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const CSV = [
  'Email,First Name,Last Name,Company,Website',
  'erlich@bachmanity.com,Erlich,Bachman,Bachmanity,bachmanity.com',
  'gavin@hooli,Gavin,Belson,Hooli,hooli.com',
  'jared@piedpiper.com,Jared,Dunn,Pied Piper,https://piedpiper.com/',
].join('\n');

const EXPECTED_BODY = {
  prospects: [
    { email: 'erlich@bachmanity.com', first_name: 'Erlich', last_name: 'Bachman', company_name: 'Bachmanity', company_website: 'https://bachmanity.com' },
    { email: 'jared@piedpiper.com', first_name: 'Jared', last_name: 'Dunn', company_name: 'Pied Piper', company_website: 'https://piedpiper.com' },
  ],
};

async function slice(page, sandbox) {
  await page.getByLabel('API key').fill(h.SANDBOX_KEY);
  await page.getByLabel('Prospects CSV').fill(CSV);
  await page.getByRole('button', { name: 'Validate' }).click();

  const summary = page.locator('#summary');
  await assert.doesNotReject(summary.getByText('Rows read').waitFor());
  assert.equal(await summary.locator('.stat', { hasText: 'Rows read' }).locator('dd').textContent(), '3');
  assert.equal(await summary.locator('.stat', { hasText: /^Valid/ }).locator('dd').textContent(), '2');
  assert.equal(await summary.locator('.stat', { hasText: 'Invalid' }).locator('dd').textContent(), '1');
  assert.equal(await summary.locator('.stat', { hasText: 'Credit ceiling' }).locator('dd').textContent(), '3');

  // The invalid row is marked, with the message on its email cell.
  const bad = page.locator('.grid-row.invalid');
  await bad.waitFor();
  assert.equal(await bad.locator('.rownum').textContent(), '2');
  const cell = bad.locator('.cell.has-error[data-col="0"]');
  assert.match(await cell.getAttribute('title'), /gavin@hooli/);

  await page.getByRole('button', { name: /^Queue 2 prospects/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /Queue 2 prospects in 1 batch.*up to 3 credits/s);
  await dialog.getByRole('button', { name: 'Queue now' }).click();

  const row = page.locator('#batches tr').first();
  await row.locator('td', { hasText: /^sent$/ }).waitFor({ timeout: 60000 });
  const result = await row.locator('td').nth(3).textContent();
  const uuid = result.match(/uuid ([0-9a-f-]{36})/);
  assert.ok(uuid, 'uuid shown: ' + result);
  assert.match(result, /ENQUEUED: 2 of 2 queued/);

  // What the sandbox received: exactly one POST, with the exact body and the key in x-api-key.
  const reqs = (await sandbox.requests()).filter((r) => r.method === 'POST');
  assert.equal(reqs.length, 1);
  assert.deepEqual(reqs[0].body, EXPECTED_BODY);
  assert.equal(reqs[0].api_key_valid, true);
  assert.equal(reqs[0].api_key_sha256_prefix, h.keyHash(h.SANDBOX_KEY));
  assert.match(reqs[0].content_type, /application\/json/);

  // Status of the batch.
  await row.getByRole('button', { name: 'Track' }).click();
  const track = page.locator('#track-result');
  await track.getByText('Batch ' + uuid[1]).first().waitFor();
  await track.locator('td', { hasText: 'erlich@bachmanity.com' }).waitFor();
  const gets = (await sandbox.requests()).filter((r) => r.method === 'GET');
  assert.ok(gets.length >= 1);
  assert.equal(gets[0].path, '/rest/v2/lead_finder/prospects/enrichments/' + uuid[1]);

  assert.ok(!page.consoleLines.some((l) => l.includes(h.SANDBOX_KEY)), 'the key never reaches the console');
}

test('thin slice from file:// straight to the sandbox', async () => {
  const sandbox = await h.startSandbox();
  const browser = await h.launch();
  try {
    const page = await h.openPage(browser, h.FILE_URL + '?api=' + encodeURIComponent(sandbox.url));
    await slice(page, sandbox);
  } finally {
    await browser.close();
    await sandbox.stop();
  }
});

test('thin slice through nginx and its same-origin sandbox path', async () => {
  const sandbox = await h.startSandbox(['--no-cors']);
  const nginx = await h.startNginx(sandbox.port);
  const browser = await h.launch();
  try {
    const page = await h.openPage(browser, nginx.url + '/');
    await page.getByLabel('API endpoint').selectOption({ label: 'Local sandbox — no account, no credits' });
    assert.equal(await page.getByLabel('API base URL').inputValue(), nginx.url + '/sandbox');
    await slice(page, sandbox);
    const headers = await page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
    assert.match(headers, /script-src 'self' 'wasm-unsafe-eval';/);
    assert.match(headers, /worker-src 'self' blob:/);
  } finally {
    await browser.close();
    await nginx.stop();
    await sandbox.stop();
  }
});
