#!/usr/bin/env node
// Refreshes the screenshots in docs/screenshots/ from the built page (run scripts/build.sh first):
//   node scripts/screenshots.js
// Drives the page against a local sandbox, as the browser tests do.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const h = require('../tests/browser/harness');

const OUT = path.join(h.ROOT, 'docs', 'screenshots');

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const sandbox = await h.startSandbox(['--progress-seconds', '1']);
  const browser = await h.launch();
  const shot = async (page, name, opts) => {
    await page.screenshot(Object.assign({ path: path.join(OUT, name + '.png') }, opts || {}));
    console.log('docs/screenshots/' + name + '.png');
  };
  try {
    for (const scheme of ['light', 'dark']) {
      const page = await h.openPage(browser, h.FILE_URL + '?api=' + encodeURIComponent(sandbox.url),
        { viewport: { width: 1280, height: 900 }, colorScheme: scheme });
      await h.started(page);
      if (scheme === 'light') await shot(page, 'empty-state', { fullPage: true });
      await page.getByLabel('API key').fill(h.SANDBOX_KEY);
      await page.getByRole('button', { name: 'Try the sample file' }).click();
      await page.locator('#summary .stat').first().waitFor();
      await page.locator('#results').scrollIntoViewIfNeeded();
      await shot(page, scheme === 'light' ? 'validated' : 'validated-dark');
      if (scheme === 'dark') { await page.context().close(); break; }
      // The rows: email first, what is sent beside the values as read, the focused cell written out.
      await page.locator('.grid-row .cell.has-sent').first().click();
      await page.locator('#rows-h').evaluate((e) => e.scrollIntoView({ block: 'start' }));
      await shot(page, 'rows');
      await h.openRequests(page);
      await page.locator('#dryrun').scrollIntoViewIfNeeded();
      await shot(page, 'dry-run');
      await page.getByRole('button', { name: /^Queue \d+ prospects/ }).click();
      await shot(page, 'confirm');
      await page.getByRole('dialog').getByRole('button', { name: 'Queue now' }).click();
      await page.locator('#batches td', { hasText: /^sent$/ }).first().waitFor({ timeout: 15000 });
      await page.locator('#queue').scrollIntoViewIfNeeded();
      await shot(page, 'queued');
      await page.locator('#batches').getByRole('button', { name: 'Track' }).first().click();
      await page.locator('#track-result td', { hasText: 'PROCESSED' }).first().waitFor({ timeout: 20000 });
      await page.locator('#track').scrollIntoViewIfNeeded();
      await shot(page, 'tracking');
      await page.context().close();
    }
    // A run at scale: a 20,000-row export in 400 batches, sent, tracked, with its totals.
    {
      await sandbox.config({ credits: 100000, progress_seconds: 1 });
      const page = await h.openPage(browser, h.FILE_URL + '?api=' + encodeURIComponent(sandbox.url), { viewport: { width: 1280, height: 900 } });
      await h.started(page);
      await page.getByLabel('API key').fill(h.SANDBOX_KEY);
      await page.getByLabel('Batch size').fill('50');
      const lines = ['Email,First Name,Last Name,Company,Website'];
      for (let i = 1; i <= 20000; i++) {
        const email = i % 3 === 0 ? 'person' + i + '@example.com' : i % 3 === 1 ? 'nodata' + i + '@example.com' : 'person' + i + '@company' + (i % 997) + '.com';
        lines.push([email, 'First' + i, 'Last' + i, 'Company ' + (i % 997), 'company' + (i % 997) + '.com'].join(','));
      }
      await page.getByLabel('Upload CSV or Excel file').setInputFiles({ name: 'export-20000.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
      await page.getByRole('button', { name: 'Queue 20,000 prospects' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Queue now' }).click();
      await page.locator('#run-totals', { hasText: /about .* left/ }).waitFor({ timeout: 120000 });
      await page.locator('#queue').scrollIntoViewIfNeeded();
      await shot(page, 'large-run-sending');
      await page.locator('#progress-text', { hasText: /^Finished:/ }).waitFor({ timeout: 300000 });
      await new Promise((resolve) => setTimeout(resolve, 1500));   // the sandbox finishes the last batches (progress_seconds 1)
      await page.getByRole('button', { name: 'Track this run' }).click();
      await page.locator('#track-run-text', { hasText: /^Tracked / }).waitFor({ timeout: 300000 });
      await page.locator('#queue').scrollIntoViewIfNeeded();
      await shot(page, 'large-run-tracked');
      // The history of queued batches, grouped by run: the run's heading with its totals, its newest
      // batches, and how many more it has.
      await page.locator('#history h4').first().waitFor();
      await page.locator('#history-h').evaluate((e) => e.scrollIntoView({ block: 'start' }));
      await shot(page, 'large-run-history');
      await page.context().close();
    }
    const phone = await h.openPage(browser, h.FILE_URL, { viewport: { width: 320, height: 800 } });
    await phone.getByRole('button', { name: 'Try the sample file' }).click();
    await phone.locator('#summary .stat').first().waitFor();
    await phone.locator('#results').scrollIntoViewIfNeeded();
    await shot(phone, 'phone-320');
  } finally {
    await browser.close();
    await sandbox.stop();
  }
})().catch((e) => { console.error(e); process.exit(1); });
