// Issue 11: the user's edits and column choices are kept in this browser (IndexedDB) by the file's
// content and offered back when the same file is read again, after a reload; each is made only
// where the cell still holds the value it was made on; they can be discarded; undo takes them back
// in one step.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

// 60,000 rows (2.5 MB: the fingerprint reads the first and last MiB), two of them invalid in the
// middle, where a change to the file does not change its fingerprint.
const ROWS = 60000;
const A = 30000, B = 30001;   // 0-based rows of the two invalid emails
function exportCsv(second = 'broken-two') {
  const lines = ['Email,First Name,Notes'];
  for (let i = 0; i < ROWS; i++) lines.push((i === A ? 'broken-one' : i === B ? second : 'person' + i + '@example.com') + ',First' + i + ',n' + i);
  return lines.join('\n') + '\n';
}
const CSV = exportCsv();
const stat = (page, label) => page.locator('#summary .stat', { hasText: new RegExp('^' + label) }).locator('dd');

let browser;
test.before(async () => { browser = await h.launch(); });
test.after(async () => { if (browser) await browser.close(); });

async function upload(page, csv, name = 'crm.csv') {
  await page.getByLabel('Upload CSV or Excel file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.locator('#read-status', { hasText: new RegExp('^Read [\\d,]+ rows? of ' + name.replace('.', '\\.')) }).waitFor();
  // The rows with errors first: the two invalid ones.
  await page.getByLabel('Show rows').selectOption('errors');
  await page.locator('#row-count', { hasText: /^(2 rows|No rows)/ }).waitFor();
}
async function edit(page, row, col, value, valid) {
  const cell = page.locator('.grid-row .cell[data-row="' + row + '"][data-col="' + col + '"]');
  await cell.focus();
  await page.keyboard.press('Enter');
  const input = page.locator('input.cell-edit');
  await input.fill(value);
  await input.press('Enter');
  // Valid now, the row leaves the "rows with errors" view: the summary's count is waited for.
  await page.locator('#summary .stat', { hasText: /^Valid/ }).locator('dd', { hasText: new RegExp('^' + valid + '$') }).waitFor();
}
const cellText = (page, row, col) => page.locator('.grid-row .cell[data-row="' + row + '"][data-col="' + col + '"]').textContent();
// Saving is debounced: wait until the store holds what is expected (a condition, asked again
// until it holds; page.evaluate waits for the page's promise, waitForFunction would not).
async function stored(page, n) {
  const holds = () => page.evaluate((n) => new Promise((resolve) => {
    const req = indexedDB.open('prospect-enricher');
    req.onsuccess = () => {
      try {
        const all = req.result.transaction('files', 'readonly').objectStore('files').getAll();
        all.onsuccess = () => { resolve(all.result.length === 1 && all.result[0].edits.length === n); req.result.close(); };
        all.onerror = () => { resolve(false); req.result.close(); };
      } catch (e) { resolve(false); req.result.close(); }
    };
    req.onerror = () => resolve(false);
  }), n);
  for (const end = Date.now() + 30000; !(await holds());) {
    assert.ok(Date.now() < end, 'the page stores ' + n + ' edits');
    await page.waitForTimeout(50);
  }
}

test('edits and column choices come back for the same file after a reload; a changed cell is left; discard forgets them', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  await h.started(page);
  await upload(page, CSV);
  assert.equal(await stat(page, 'Valid').textContent(), '59,998');
  await page.getByLabel('Field for column Notes').selectOption('company_name');
  await page.locator('#live', { hasText: 'Column “Notes” is now sent as company_name.' }).waitFor({ state: 'attached' });
  await edit(page, A, 0, 'ada@example.com', '59,999');
  await edit(page, B, 0, 'cy@example.com', '60,000');
  assert.equal(await stat(page, 'Valid').textContent(), '60,000');
  await stored(page, 2);

  // A reload: the same file is offered its earlier work.
  await page.reload();
  await h.started(page);
  await upload(page, CSV);
  const offer = page.locator('#saved-edits');
  await offer.waitFor();
  assert.match(await offer.textContent(), /You worked on this file in this browser before: 2 edited cells and 1 column choice, last on /);
  assert.equal(await stat(page, 'Valid').textContent(), '59,998', 'nothing is applied before the user says so');
  await page.getByRole('button', { name: 'Apply them' }).click();
  await page.locator('#read-status', { hasText: /^2 earlier edits made again\. Undo takes them back\.$/ }).waitFor();
  assert.equal(await stat(page, 'Valid').textContent(), '60,000');
  await page.locator('#row-count', { hasText: 'No rows with errors.' }).waitFor();
  assert.equal(await page.getByLabel('Field for column Notes').inputValue(), 'company_name');
  assert.ok(await offer.isHidden());
  // One undo takes both back; redo makes them again.
  await page.getByRole('button', { name: /^Undo/ }).click();
  await page.locator('.grid-row .cell[data-row="' + B + '"][data-col="0"]', { hasText: 'broken-two' }).waitFor();
  assert.equal(await cellText(page, A, 0), 'broken-one');
  assert.equal(await stat(page, 'Valid').textContent(), '59,998');
  await page.getByRole('button', { name: /^Redo/ }).click();
  await page.locator('#row-count', { hasText: 'No rows with errors.' }).waitFor();
  assert.equal(await stat(page, 'Valid').textContent(), '60,000');
  await stored(page, 2);

  // The same file with one of the edited cells changed in the middle (same size, same first and
  // last MiB: the same fingerprint): that edit is left out, the other is made.
  await page.reload();
  await h.started(page);
  await upload(page, exportCsv('broken-TWO'));
  await offer.waitFor();
  await page.getByRole('button', { name: 'Apply them' }).click();
  await page.locator('#read-status', { hasText: /^1 earlier edit made again; 1 edit left out, because its cell no longer holds the value it was made on\./ }).waitFor();
  await page.locator('#row-count', { hasText: /^1 row$/ }).waitFor();
  assert.equal(await cellText(page, B, 0), 'broken-TWO');
  assert.equal(await stat(page, 'Valid').textContent(), '59,999');

  // A different file (another size) is not offered anything.
  await page.reload();
  await h.started(page);
  await upload(page, CSV + 'extra@example.com,X,y\n');
  assert.ok(await offer.isHidden());

  // Discard: the next read of the file offers nothing.
  await page.reload();
  await h.started(page);
  await upload(page, CSV);
  await offer.waitFor();
  await page.getByRole('button', { name: 'Discard them' }).click();
  assert.ok(await offer.isHidden());
  // Said once the record is deleted (a reload before that could keep it).
  await page.locator('#live', { hasText: 'Your earlier edits of this file were discarded.' }).waitFor({ state: 'attached' });
  await page.reload();
  await h.started(page);
  await upload(page, CSV);
  assert.ok(await offer.isHidden(), 'discarded: not offered again');
  await page.context().close();
});
