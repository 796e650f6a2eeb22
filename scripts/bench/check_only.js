#!/usr/bin/env node
// The page's "check only" mode on one file, as a user runs it: headless Chromium opens the built
// page from disk, ticks "Check only", picks FILE and waits for the report. Prints the page's own
// status line and summary, the wall time, and the worker's wasm memory (its peak: wasm memory
// never shrinks). Make a large file with: scripts/bench/gen_exports.py basic 6500000 FILE (1.05 GB).
//   node scripts/bench/check_only.js FILE
'use strict';
const h = require('../../tests/browser/harness.js');

(async () => {
  const file = process.argv[2];
  if (!file) { console.error('usage: node scripts/bench/check_only.js FILE'); process.exit(2); }
  const browser = await h.launch();
  try {
    const page = await h.openPage(browser, h.FILE_URL);
    await h.started(page);
    await page.getByRole('checkbox', { name: 'Check only' }).check();
    // The page's worker (not the file reader it starts, a worker too).
    let worker = null;
    for (const w of page.workers()) if (await w.evaluate(() => typeof M === 'object').catch(() => false)) worker = w;   // eslint-disable-line no-undef
    const t0 = Date.now();
    await page.getByLabel('Upload CSV or Excel file').setInputFiles(file);
    await page.locator('#read-status', { hasText: /^(Checked|Cancelled)/ }).waitFor({ timeout: 3600000 });
    const ms = Date.now() - t0;
    const wasm = await worker.evaluate(() => M.HEAPU8.length);   // eslint-disable-line no-undef
    console.log(await page.locator('#read-status').textContent());
    console.log('summary: ' + (await page.locator('#co-summary .stat').evaluateAll((els) =>
      els.map((e) => e.querySelector('dt').textContent + ' ' + e.querySelector('dd').textContent).join(', '))));
    console.log('wall ' + ms + ' ms; wasm memory ' + Math.round(wasm / 1048576) + ' MB');
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
