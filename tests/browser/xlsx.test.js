// Excel workbooks in the page: the workbook written by Python's zipfile
// (tests/fixtures/xlsx/prospects.xlsx, from make_workbook.py) chosen with the file input and
// dropped on the page, its second sheet picked from the sheet list (by keyboard), and an old .xls
// and a zip that is not a workbook refused with the way out. From file://.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const { execFileSync } = require('node:child_process');
const h = require('./harness');

let browser;
test.before(async () => { browser = await h.launch(); });
test.after(async () => { await browser.close(); });

const BOOK = path.join(h.ROOT, 'tests', 'fixtures', 'xlsx', 'prospects.xlsx');
const stat = (page, name) => page.locator('#summary .stat').filter({ has: page.locator('dt', { hasText: new RegExp('^' + name + '$') }) }).locator('dd');
const rowsRead = (page, n) => page.locator('#summary .stat dd').first().filter({ hasText: new RegExp('^' + n + '$') }).waitFor();
const cellTexts = (page) => page.locator('.grid-row .cell').allTextContents();

test('an .xlsx workbook is read from its first sheet; another sheet is picked from the list', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  assert.match(await page.locator('#file-input').getAttribute('accept'), /\.xlsx/);
  await page.getByLabel('Upload CSV or Excel file').setInputFiles(BOOK);
  await rowsRead(page, 4);
  assert.equal(await stat(page, 'Valid').textContent(), '3');
  assert.equal(await stat(page, 'Invalid').textContent(), '1');
  // The cells as Excel shows them: the date, non-ASCII names, the company with a comma and quotes
  // (the date, number and phone columns are ignored: shown on asking).
  await page.locator('#ignored-toggle').click();
  await page.locator('.grid-row .cell', { hasText: /^2024-01-01$/ }).waitFor();
  const cells = await cellTexts(page);
  for (const want of ['Zoë', 'Núñez', 'Acme, "Rockets" Inc', 'Björn', '李', '0.3', '14155550123', '#N/A']) {
    assert.ok(cells.includes(want), want + ' is a cell of the grid: ' + JSON.stringify(cells));
  }
  // Where the rows came from: the file line and the status say the sheet.
  assert.match(await page.locator('#file-name').textContent(), /prospects\.xlsx .*sheet “Prospects” of the workbook/);
  assert.match(await page.locator('#read-status').textContent(), /Read 4 rows of prospects\.xlsx \(sheet “Prospects” of the workbook\)/);

  // Two sheets: the list is shown, labelled (with its hint as description), and reached by Tab
  // from the control before it.
  const sheets = page.getByLabel('Sheet', { exact: true });
  await sheets.waitFor();
  assert.deepEqual(await sheets.locator('option').allTextContents(), ['Prospects', 'Second list']);
  assert.equal(await sheets.inputValue(), 'Prospects');
  assert.match(await page.locator('#sheet-hint').textContent(), /2 sheets; “Prospects” was read/);
  assert.equal(await sheets.getAttribute('aria-describedby'), 'sheet-hint');
  await page.getByLabel('Delimiter').focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'sheet-choice');
  await sheets.selectOption('Second list');
  await rowsRead(page, 3);
  assert.equal(await stat(page, 'Valid').textContent(), '3');
  await page.locator('.grid-row .cell', { hasText: /^Дмитрий$/ }).waitFor();
  const second = await cellTexts(page);
  for (const want of ['Amélie', 'Chloé', 'dmitri@delta.example']) assert.ok(second.includes(want), want);
  assert.ok(!second.includes('Zoë'), 'the first sheet\'s rows are gone');
  assert.match(await page.locator('#file-name').textContent(), /sheet “Second list” of the workbook/);
  assert.equal(await sheets.inputValue(), 'Second list');

  // A CSV file afterwards: the sheet list goes away.
  await page.getByLabel('Upload CSV or Excel file').setInputFiles(path.join(h.ROOT, 'tests', 'fixtures', 'exports', 'apollo.csv'));
  await page.locator('#sheet-row').waitFor({ state: 'hidden' });
  assert.doesNotMatch(await page.locator('#file-name').textContent(), /sheet/);
  assert.deepEqual(page.consoleLines.filter((l) => /^(error|pageerror)/.test(l)), []);
  await page.context().close();
});

test('"Check only" reads a workbook\'s sheet as it reads a CSV file', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  await page.getByRole('checkbox', { name: 'Check only' }).check();
  await page.getByLabel('Upload CSV or Excel file').setInputFiles(BOOK);
  await page.locator('#read-status', { hasText: /^Checked 4 rows of prospects\.xlsx \(sheet “Prospects” of the workbook\)/ }).waitFor();
  const stats = await page.locator('#co-summary .stat').evaluateAll((els) => els.map((e) => e.querySelector('dt').textContent + '=' + e.querySelector('dd').textContent));
  assert.ok(stats.includes('Valid=3') && stats.includes('Invalid=1'), stats.join(' '));
  await page.getByLabel('Sheet', { exact: true }).selectOption('Second list');
  await page.locator('#read-status', { hasText: /^Checked 3 rows of prospects\.xlsx \(sheet “Second list” of the workbook\)/ }).waitFor();
  await page.context().close();
});

test('a workbook dropped on the page is read too', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  const bytes = [...fs.readFileSync(BOOK)];
  const dt = await page.evaluateHandle((b) => {
    const d = new DataTransfer();
    d.items.add(new File([new Uint8Array(b)], 'dropped.xlsx', { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
    return d;
  }, bytes);
  await page.dispatchEvent('main', 'dragover', { dataTransfer: dt });
  await page.dispatchEvent('main', 'drop', { dataTransfer: dt });
  await rowsRead(page, 4);
  assert.match(await page.locator('#file-name').textContent(), /dropped\.xlsx .*sheet “Prospects”/);
  await page.context().close();
});

test('an old .xls, a zip that is not a workbook and a damaged workbook are refused with the way out', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  const input = page.getByLabel('Upload CSV or Excel file');
  const ole = Buffer.concat([Buffer.from([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]), Buffer.alloc(600)]);
  await input.setInputFiles({ name: 'old.xls', mimeType: 'application/vnd.ms-excel', buffer: ole });
  await page.getByRole('alert').filter({ hasText: 'old Excel workbook (.xls)' }).waitFor();
  assert.match(await page.getByRole('alert').textContent(), /save it as CSV \(File → Save As → CSV UTF-8\)/);

  // The same bytes under a .csv name reach the core, which says the same.
  await input.setInputFiles({ name: 'renamed.csv', mimeType: 'text/csv', buffer: ole });
  await page.getByRole('alert').filter({ hasText: 'This file is an old Excel workbook (.xls), not CSV text' }).waitFor();
  assert.match(await page.getByRole('alert').textContent(), /CSV UTF-8/);

  // A zip of other files, named .xlsx.
  const zip = fs.readFileSync(BOOK);
  const notBook = Buffer.from(zip);
  const cd = notBook.indexOf(Buffer.from('PK\x01\x02'));
  assert.ok(cd > 0);
  // Rename the workbook part in the zip's directory (and only there): no xl/workbook.xml is left.
  const name = notBook.indexOf(Buffer.from('xl/workbook.xml'), cd);
  notBook.write('xl/workbook.xmZ', name);
  await input.setInputFiles({ name: 'other.xlsx', mimeType: 'application/zip', buffer: notBook });
  await page.getByRole('alert').filter({ hasText: 'not an Excel .xlsx workbook' }).waitFor();
  assert.match(await page.getByRole('alert').textContent(), /CSV UTF-8/);

  // Damaged compressed data in the sheet: DecompressionStream fails, the user reads words.
  const broken = Buffer.from(zip);
  const sheetName = broken.indexOf(Buffer.from('xl/worksheets/sheet1.xml'));
  const data = sheetName + 'xl/worksheets/sheet1.xml'.length;   // the local header has no extra field
  for (let i = data + 10; i < data + 40; i++) broken[i] ^= 0x55;
  await input.setInputFiles({ name: 'broken.xlsx', mimeType: 'application/zip', buffer: broken });
  await page.getByRole('alert').filter({ hasText: 'xl/worksheets/sheet1.xml' }).waitFor();
  assert.match(await page.getByRole('alert').textContent(), /could not be read.*CSV UTF-8/s);
  assert.ok(await page.locator('#sheet-row').isHidden());
  assert.deepEqual(page.consoleLines.filter((l) => /^pageerror/.test(l)), []);
  await page.context().close();
});

// A workbook's sheet is often many times its zip: the page decides by the sheet's size as CSV text,
// not the zip's, whether it can hold it to edit. 20,000 rows: under 0.5 MB zipped, about 1 MB as CSV.
test('a workbook whose sheet is larger as CSV text than the page can hold to edit is checked as it is read, and says why', async () => {
  const big = path.join(os.tmpdir(), 'pe-big-' + process.pid + '.xlsx');
  execFileSync('python3', ['-c', `
import importlib.util, sys
spec = importlib.util.spec_from_file_location('make_workbook', sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
cell = lambda ref, text: '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, text)
rows = [m.row(1, cell('A1', 'Email'), cell('B1', 'First Name'), cell('C1', 'Company'))]
for i in range(2, 20002):
    rows.append(m.row(i, cell('A%d' % i, 'person%d@company%d.com' % (i, i % 300) if i % 10 else 'not-an-email-%d' % i),
                      cell('B%d' % i, 'First%d' % i), cell('C%d' % i, 'Company %d' % (i % 300))))
m.PARTS = [(name, m.sheet(rows, 'A1:C20001') if name == 'xl/worksheets/sheet1.xml' else text) for name, text in m.PARTS]
m.write(sys.argv[2])
`, path.join(h.ROOT, 'tests', 'fixtures', 'xlsx', 'make_workbook.py'), big]);
  try {
    const zipBytes = fs.statSync(big).size;
    const page = await h.openPage(browser, h.FILE_URL);
    await h.started(page);
    // Above the zip's size, below the sheet's as CSV text (stands for 500 MB).
    const max = 500000;
    assert.ok(zipBytes < max, 'the zip is ' + zipBytes + ' bytes');
    await page.evaluate((n) => window.PE.input.setInteractiveMax(n), max);
    await page.getByLabel('Upload CSV or Excel file').setInputFiles(big);
    await page.locator('#read-status', { hasText: /^Checked 20,000 rows of pe-big-\d+\.xlsx \(sheet “Prospects” of the workbook\)/ }).waitFor();
    assert.match(await page.locator('#check-only-about').textContent(),
      /^The sheet of pe-big-\d+\.xlsx is \d+ kB as CSV text: larger than the 500 kB the page can hold to edit, so it was checked as it was read\./);
    const stats = await page.locator('#co-summary .stat').evaluateAll((els) => els.map((e) => e.querySelector('dt').textContent + '=' + e.querySelector('dd').textContent));
    assert.ok(stats.includes('Valid=18,000') && stats.includes('Invalid=2,000'), stats.join(' '));
    assert.equal(await page.locator('#results').isVisible(), false, 'no editable view of a file it could not hold');
    // Under the limit, the same workbook is loaded to edit.
    await page.evaluate(() => window.PE.input.setInteractiveMax(500e6));
    await page.getByLabel('Upload CSV or Excel file').setInputFiles(big);
    await page.locator('#read-status', { hasText: /^Read 20,000 rows of pe-big/ }).waitFor();
    assert.equal(await page.locator('#results').isVisible(), true);
    await page.context().close();
  } finally {
    fs.rmSync(big, { force: true });
  }
});
