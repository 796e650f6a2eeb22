// Issue 12: the header-row picker. A scraper's export starts with title lines; the page finds the
// header below them, says which lines it skipped, and lets the user choose the header among the
// first lines (also when the file as read has no email column).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./harness');

const SCRAPE = fs.readFileSync(path.join(h.ROOT, 'tests', 'fixtures', 'exports', 'sales-navigator-scrape.csv'));

let browser;
test.before(async () => { browser = await h.launch(); });
test.after(async () => { if (browser) await browser.close(); });

const options = (page) => page.locator('#header-row option').evaluateAll((os) => os.map((o) => o.textContent));

test('title lines above the header are skipped and said; the header can be chosen among the first lines', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  await h.started(page);
  await page.getByLabel('Upload CSV or Excel file').setInputFiles({ name: 'leads.csv', mimeType: 'text/csv', buffer: SCRAPE });
  await page.locator('#read-status', { hasText: /^Read 6 rows/ }).waitFor();
  assert.equal(await page.locator('#header-note').textContent(),
    'Header on line 3: the 2 lines above it were skipped as title lines (“Exported from Sales Navigator on Nov 12…”, ' +
    '“Search: VP Sales · Berlin · 11-50 emplo…”).');
  const listed = await options(page);
  assert.equal(listed.length, 1 + 9);
  assert.equal(listed[0], 'Detect');
  assert.equal(listed[1], 'Line 1: Exported from Sales Navigator on Nov 12,  2026');
  assert.match(listed[3], /^Line 3: First Name, Last Name, Email, Company, Title, LinkedIn URL$/);
  assert.equal(await page.getByLabel('Header row').inputValue(), 'auto');

  // Line 1 as the header, from the keyboard: the file then has no email column, and the page says
  // where to choose another line; the lines to choose from stay.
  await page.getByLabel('Header row').focus();
  await page.getByLabel('Header row').selectOption({ label: listed[1] });
  await page.locator('#alert-text', { hasText: /No email column was found/ }).waitFor();
  assert.equal(await page.locator('#header-note').textContent(), 'If the header is not on line 1, choose the line it is on here.');
  assert.deepEqual(await options(page), listed);
  assert.equal(await page.getByLabel('Header row').inputValue(), '0');

  // Line 3: the six rows again, read as the file's own header says.
  await page.getByLabel('Header row').selectOption({ label: listed[3] });
  await page.locator('#read-status', { hasText: /^Read 6 rows/ }).waitFor();
  assert.equal(await page.getByLabel('Header row').inputValue(), '2');
  assert.equal(await page.locator('#header-note').textContent(),
    'Header on line 3: the 2 lines above it were skipped as title lines (“Exported from Sales Navigator on Nov 12…”, ' +
    '“Search: VP Sales · Berlin · 11-50 emplo…”).');
  assert.equal(await page.locator('#alert').isHidden(), true);

  // Another file starts from "Detect" again.
  await page.getByLabel('Upload CSV or Excel file').setInputFiles({ name: 'plain.csv', mimeType: 'text/csv', buffer: Buffer.from('email,first_name\na@acme.com,Ada\n') });
  await page.locator('#read-status', { hasText: /^Read 1 row of plain\.csv/ }).waitFor();
  assert.equal(await page.getByLabel('Header row').inputValue(), 'auto');
  assert.equal(await page.locator('#header-note').textContent(), '');
  assert.deepEqual(await options(page), ['Detect', 'Line 1: email, first_name', 'Line 2: a@acme.com, Ada']);
  await page.close();
});

// Exclusions are kept by row number: offered back with another header row, they would name other
// rows, so they are left out, and said.
test('exclusions made with one header row are not applied to the rows of another', async () => {
  const csv = 'email,name\nemail,name\na@b.com,A\nc@d.com,C\n';
  const page = await h.openPage(browser, h.FILE_URL);
  await h.started(page);
  const paste = async () => {
    await page.getByLabel('Prospects CSV').fill(csv);
    await page.getByRole('button', { name: 'Validate' }).click();
    await page.locator('#read-status', { hasText: /^Read \d rows/ }).waitFor();
  };
  await paste();
  await page.locator('.grid-row .cell[data-row="1"][data-col="0"]').focus();
  await page.locator('#exclude-btn').click();
  await page.locator('#summary .stat', { hasText: /^Excluded by you/ }).waitFor();
  const stored = () => page.evaluate(() => new Promise((resolve) => {
    const req = indexedDB.open('prospect-enricher');
    req.onsuccess = () => {
      try {
        const all = req.result.transaction('files', 'readonly').objectStore('files').getAll();
        all.onsuccess = () => { resolve(JSON.stringify(all.result.map((r) => [r.excluded, r.titles]))); req.result.close(); };
        all.onerror = () => { resolve(''); req.result.close(); };
      } catch (e) { resolve(''); req.result.close(); }
    };
    req.onerror = () => resolve('');
  }));
  while ((await stored()) !== '[[[1],0]]') await page.waitForTimeout(50);   // saving is debounced

  await page.reload();
  await h.started(page);
  await paste();
  await page.locator('#saved-edits').waitFor();
  // The header on line 2: the rows are numbered one lower; the offer comes again for this reading.
  await page.getByLabel('Header row').selectOption({ label: 'Line 2: email, name' });
  await page.locator('#read-status', { hasText: /^Read 2 rows/ }).waitFor();
  await page.locator('#saved-edits').waitFor();
  await page.getByRole('button', { name: 'Apply them' }).click();
  await page.locator('#read-status', { hasText: /^0 rows excluded again \(1 row left out: they were excluded with another header row, so their numbers name other rows now\)\.$/ }).waitFor();
  assert.equal(await page.locator('#summary .stat', { hasText: /^Excluded by you/ }).count(), 0);
  assert.equal(await page.locator('#summary .stat', { hasText: /^Valid/ }).locator('dd').textContent(), '2');
  await page.close();
});
