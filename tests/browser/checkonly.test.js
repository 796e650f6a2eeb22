// "Check only": a file read by the worker in slices and checked as it is read, without keeping its
// rows (web/js/checkonly.js, the module's CheckOnly). The report must be the interactive view's for
// the same file; every finding is downloadable; Cancel stops part way and says how far it got; a file
// over the interactive limit is checked this way without being asked.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const h = require('./harness');

let browser;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pe-checkonly-'));
test.before(async () => { browser = await h.launch(); });
test.after(async () => {
  await browser.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// rows rows: every tenth a typo domain (warning), an invalid email, or a duplicate of an earlier row.
function messyLine(i) {
  const k = i % 10;
  const email = k === 3 ? 'person' + i + '@gmial.com'
    : k === 5 ? 'not-an-email-' + i
      : k === 7 ? 'person' + (i - 7) + '@acme' + ((i - 7) % 100) + '.com'
        : 'person' + i + '@acme' + (i % 100) + '.com';
  return email + ',First' + i + ',Last' + i + ',Acme ' + (i % 100) + ',acme' + (i % 100) + '.com,https://www.linkedin.com/in/person-' + i + '\n';
}
const HEADER = 'Email,First Name,Last Name,Company,Website,LinkedIn\n';
function writeMessy(name, rows) {
  const file = path.join(dir, name);
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, HEADER);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += messyLine(i);
    if (chunk.length > (1 << 20)) { fs.writeSync(fd, chunk); chunk = ''; }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  return file;
}

async function stats(page, id) {
  return page.locator('#' + id + ' .stat').evaluateAll((els) => els.map((e) => e.querySelector('dt').textContent + '=' + e.querySelector('dd').textContent));
}

test('check only gives the interactive view\'s summary and problems, and every finding as CSV', async () => {
  const file = writeMessy('messy.csv', 30000);
  const page = await h.openPage(browser, h.FILE_URL);
  await h.started(page);

  // The interactive view first, for the reference.
  await page.getByLabel('Upload CSV or Excel file').setInputFiles(file);
  await page.locator('#read-status', { hasText: /^Read 30,000 rows of messy\.csv/ }).waitFor();
  const whole = await stats(page, 'summary');
  const wholeProblems = await page.locator('#problems li').evaluateAll((els) => els.map((e) => e.textContent.replace(/ Show Exclude these [\d,]+ rows?$/, '')));
  assert.ok(whole.includes('Duplicates=3,000'), whole.join(' '));
  assert.ok(whole.includes('Invalid=3,000'), whole.join(' '));

  // The same file, checked only.
  await page.getByRole('checkbox', { name: 'Check only' }).check();
  await page.getByLabel('Upload CSV or Excel file').setInputFiles(file);
  await page.locator('#read-status', { hasText: /^Checked 30,000 rows of messy\.csv/ }).waitFor();
  assert.equal(await page.locator('#check-only').isVisible(), true);
  assert.equal(await page.locator('#results').isVisible(), false, 'the interactive view is gone: its file is not in the module any more');
  assert.deepEqual(await stats(page, 'co-summary'), whole);
  const problems = await page.locator('#co-problems li').evaluateAll((els) => els.map((e) => e.textContent));
  assert.deepEqual(problems, wholeProblems);
  assert.match(await page.locator('#check-only-about').textContent(), /“Check only” is chosen.*enrich queue FILE/s);
  // The first 1,000 findings are listed; all are counted.
  assert.equal(await page.locator('#co-findings tr').count(), 1000);
  assert.equal(await page.locator('#co-findings-h').textContent(), 'First 1,000 of 9,000 findings');
  assert.deepEqual(await page.locator('#co-findings tr').first().locator('td').allTextContents(),
    ['4', '5', 'email', await page.locator('#co-findings tr').first().locator('td').nth(3).textContent()]);
  assert.match(await page.locator('#co-findings tr').first().locator('td').nth(3).textContent(), /gmial\.com/);

  // Every finding, as CSV: a header and a line per finding.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download every finding (CSV)' }).click()]);
  assert.equal(download.suggestedFilename(), 'messy-findings.csv');
  const csv = fs.readFileSync(await download.path(), 'utf8');
  const lines = csv.trimEnd().split('\n');
  assert.equal(lines[0], 'row,line,severity,code,field,message');
  assert.equal(lines.length, 1 + 9000);
  assert.match(lines[lines.length - 1], /^29998,29999,error,duplicate_email,email,/);
  assert.deepEqual(page.consoleLines.filter((l) => /^(error|pageerror)/.test(l)), []);
  await page.context().close();
});

test('Cancel stops a check part way and says how far it got', async () => {
  const file = writeMessy('large.csv', 1900000);   // about 190 MB: many slices
  const page = await h.openPage(browser, h.FILE_URL);
  await h.started(page);
  await page.getByRole('checkbox', { name: 'Check only' }).check();
  await page.getByLabel('Upload CSV or Excel file').setInputFiles(file);
  // A progress line with rows read, then Cancel.
  await page.locator('#read-status', { hasText: /^Checking large\.csv: .* of .* · [\d,]+ rows/ }).waitFor({ timeout: 120000 });
  assert.equal(await page.locator('#read-progress').isVisible(), true);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.locator('#read-status', { hasText: /^Cancelled after [\d,]+ rows of large\.csv/ }).waitFor({ timeout: 120000 });
  const rows = Number((await page.locator('#read-status').textContent()).match(/after ([\d,]+) rows/)[1].replace(/,/g, ''));
  assert.ok(rows > 0 && rows < 1900000, String(rows));
  assert.equal(await page.locator('#read-progress').isVisible(), false);
  assert.match(await page.locator('#co-file-findings').textContent(), new RegExp('cancelled after ' + rows.toLocaleString('en-US').replace(/,/g, ',?') + '|cancelled after ' + rows + ' rows'));
  assert.ok((await stats(page, 'co-summary')).includes('Rows read=' + rows.toLocaleString('en-US')));
  // The page still works: the next file is read.
  await page.getByRole('checkbox', { name: 'Check only' }).uncheck();
  await page.getByLabel('Prospects CSV').fill('email\na@acme.com\n');
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.locator('#read-status', { hasText: /^Read 1 row of pasted\.csv/ }).waitFor();
  assert.equal(await page.locator('#check-only').isVisible(), false);
  await page.context().close();
});

test('a file over the interactive limit is checked only, and says why', async () => {
  const file = writeMessy('big.csv', 20000);
  const page = await h.openPage(browser, h.FILE_URL);
  await h.started(page);
  await page.evaluate(() => window.PE.input.setInteractiveMax(1e6));   // stands for 500 MB
  await page.getByLabel('Upload CSV or Excel file').setInputFiles(file);
  await page.locator('#read-status', { hasText: /^Checked 20,000 rows of big\.csv/ }).waitFor();
  assert.match(await page.locator('#check-only-about').textContent(), /^big\.csv is [\d.]+ MB: larger than the 1\.0 MB the page can hold to edit, so it was checked as it was read\./);
  assert.ok((await stats(page, 'co-summary')).includes('Valid=16,000'));
  assert.equal(await page.locator('#results').isVisible(), false);
  // A file that cannot be used says why, in the check-only view and in the alert.
  fs.writeFileSync(path.join(dir, 'noemail.csv'), 'name,company\n' + 'Ada,Acme\n'.repeat(200000));
  await page.getByLabel('Upload CSV or Excel file').setInputFiles(path.join(dir, 'noemail.csv'));
  await page.getByRole('alert').filter({ hasText: /email/i }).waitFor();
  assert.match(await page.locator('#co-file-findings').textContent(), /email/i);
  await page.context().close();
});
