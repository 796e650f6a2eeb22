// The page as a user drives it: paste, upload, drag-and-drop, remap, fix a cell, filter, dry run,
// export, keyboard use, small screens. From file:// (and the nginx slice covers serving).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('./harness');

let browser;
test.before(async () => { browser = await h.launch(); });
test.after(async () => { await browser.close(); });

const stat = (page, name) => page.locator('#summary .stat').filter({ has: page.locator('dt', { hasText: new RegExp('^' + name + '$') }) }).locator('dd');

async function paste(page, csv, expectError) {
  await page.getByLabel('Prospects CSV').fill(csv);
  await page.getByRole('button', { name: 'Validate' }).click();
  if (expectError) await page.getByRole('alert').filter({ hasText: expectError }).waitFor();
  else await page.locator('#summary .stat').first().waitFor();
}

test('empty state explains the columns and the sample file loads', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  const empty = page.locator('#empty-state');
  assert.match(await empty.textContent(), /email.*required/s);
  assert.match(await empty.textContent(), /linkedin_url/);
  await page.getByRole('button', { name: 'Try the sample file' }).click();
  await page.locator('#summary .stat').first().waitFor();
  assert.equal(await stat(page, 'Rows read').textContent(), '8');
  assert.equal(await stat(page, 'Valid').textContent(), '6');
  assert.equal(await stat(page, 'Invalid').textContent(), '1');
  assert.equal(await stat(page, 'Duplicates').textContent(), '1');
  assert.ok(await empty.isHidden());
  await page.context().close();
});

test('paste shows per-cell errors with messages, and the filter narrows the rows', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  await paste(page, 'email,first_name,last_name,website\nada@example.com,Ada,Lovelace,example.com\nbob@@example.com,Bob,B,example.com\nada@example.com,Ada,L,example.com\ncyd@example.com,,,\n');
  assert.equal(await stat(page, 'Rows read').textContent(), '4');
  assert.equal(await stat(page, 'Rows with warnings').textContent(), '1');
  const bad = page.locator('.grid-row.invalid .cell.has-error[data-col="0"]');
  assert.match(await bad.getAttribute('title'), /^bob@@example\.com\nerror: .*bob@@example\.com/);
  assert.match(await bad.getAttribute('aria-description'), /^error: .*has 2 @ signs/);
  // The problem is visible without hovering: in the row's Problems cell and in the file's list.
  assert.match(await page.locator('.grid-row.invalid .cell.problems').textContent(), /has 2 @ signs/);
  assert.match(await page.locator('#problems').textContent(), /1 row · email: .*has 2 @ signs.*\(row 2\)/);
  const dup = page.locator('.grid-row.duplicate .cell.status');
  assert.equal(await dup.textContent(), 'duplicate of row 1');
  assert.match(await page.locator('.grid-row.valid .cell.has-warning').first().getAttribute('title'), /enrichment usually needs/);

  await page.getByLabel('Show rows').selectOption('errors');
  await page.waitForFunction(() => document.querySelectorAll('.grid-row').length === 2);
  assert.equal(await page.locator('#row-count').textContent(), '2 rows');
  await page.getByLabel('Show rows').selectOption('warnings');
  await page.waitForFunction(() => document.querySelectorAll('.grid-row').length === 1);
  await page.getByLabel('Show rows').selectOption('all');
  await page.waitForFunction(() => document.querySelectorAll('.grid-row').length === 4);
  // A filter that selects nothing says so beside the filter.
  await paste(page, 'email\nbad\nworse@\n');
  await page.locator('#read-status', { hasText: /^Read 2 rows of/ }).waitFor();
  await page.getByLabel('Show rows').selectOption('valid');
  await page.locator('#row-count', { hasText: /^No valid rows\.?$/ }).waitFor();
  await paste(page, 'email\nok@example.com\n');
  await page.locator('#read-status', { hasText: /^Read 1 row of/ }).waitFor();
  assert.equal(await page.getByLabel('Show rows').inputValue(), 'all', 'a new file is shown whole');
  await page.waitForFunction(() => document.querySelectorAll('.grid-row').length === 1);
  await page.getByLabel('Show rows').selectOption('errors');
  await page.locator('#row-count', { hasText: /^No rows with errors\.?$/ }).waitFor();
  // ...but reading the same input with another delimiter keeps the filter.
  await page.getByLabel('Delimiter').selectOption(';');
  await page.waitForFunction(() => /semicolon-separated$/.test(document.getElementById('detected').textContent));
  assert.equal(await page.getByLabel('Show rows').inputValue(), 'errors');
  await page.getByLabel('Delimiter').selectOption('auto');
  await page.waitForFunction(() => /\(detected\)$/.test(document.getElementById('detected').textContent));
  await page.locator('#read-status').evaluate((e) => { e.textContent = ''; });
  await paste(page, 'email,first_name,last_name,website\nada@example.com,Ada,Lovelace,example.com\n');
  await page.locator('#read-status', { hasText: /^Read 1 row of/ }).waitFor();
  await page.getByLabel('Show rows').selectOption('warnings');
  await page.locator('#row-count', { hasText: /^No rows with warnings\.?$/ }).waitFor();
  await page.context().close();
});

test('issue 12: a problem group is headed by what is true of all its rows, with examples; "Show" lists that group only', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  await paste(page, 'email,first_name\nann@@raviga.com,Ann\nmary@,Mary\nok@acme.com,Ok\nn/a,Nobody\nbob@gmial.com,Bob\nok@acme.com,Dup\n');
  const group = page.locator('#problems li').first();
  const text = await group.textContent();
  // Before: "3 rows · email: “ann@@raviga.com” has 2 @ signs …" for rows that have no @ at all.
  assert.match(text, /^3 rows · email: The email is not a valid address\. Row 1: “ann@@raviga\.com” has 2 @ signs; [^.]*\. Row 2: “mary@” has nothing after the @/);
  assert.match(text, /\(rows 1, 2, 4\) Show Exclude these 3 rows$/);
  await group.getByRole('button', { name: 'Show the 3 rows of this group' }).click();
  assert.equal(await page.getByLabel('Show rows').inputValue(), 'code:email_invalid');
  await page.locator('#row-count', { hasText: /^3 rows$/ }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('.grid-row').length === 3);
  assert.deepEqual(await page.locator('.grid-row .rownum').allTextContents(), ['1', '2', '4']);
  // "Rows with errors" is more than that group: the duplicate too.
  await page.getByLabel('Show rows').selectOption('errors');
  await page.locator('#row-count', { hasText: /^4 rows$/ }).waitFor();
  // The typo's group lists its one row.
  await page.locator('#problems li', { hasText: 'misspelling' }).getByRole('button', { name: 'Show the 1 row of this group' }).click();
  await page.locator('#row-count', { hasText: /^1 row$/ }).waitFor();
  assert.deepEqual(await page.locator('.grid-row .rownum').allTextContents(), ['5']);
  // A new file: the group's choice is gone and the rows are shown whole.
  await paste(page, 'email\nok@example.com\n');
  await page.locator('#read-status', { hasText: /^Read 1 row of/ }).waitFor();
  assert.equal(await page.getByLabel('Show rows').inputValue(), 'all');
  assert.equal(await page.locator('#row-filter option[data-group]').count(), 0);
  await page.context().close();
});

test('issue 12: Ctrl+Z undoes the grid\'s edit (not the API key), Ctrl+Shift+Z redoes it; another delimiter asks before dropping edits', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  await page.getByLabel('API key').fill('my-secret-key');
  await paste(page, 'email,first_name\nann@acme.com,Ann\nbad-email,Bob\n');
  const cell = page.locator('.grid-row .cell[data-row="1"][data-col="0"]');
  // The summary is shown before the rows are drawn again: wait for the cell's own text.
  const cellShows = (text) => page.locator('.grid-row .cell[data-row="1"][data-col="0"]', { hasText: new RegExp('^' + text.replace(/[.@]/g, '\\$&') + '$') }).waitFor();
  await cell.dblclick();
  await page.getByLabel('Edit email, row 2').fill('bob@acme.com');
  await page.keyboard.press('Enter');
  await page.locator('#summary .stat', { hasText: /^Valid/ }).locator('dd').getByText('2', { exact: true }).waitFor();
  await page.locator('.grid-row .cell.edited[data-row="1"][data-col="0"]').waitFor();
  assert.match(await cell.getAttribute('title'), /edited; was “bad-email”/);
  assert.equal(await page.getByRole('button', { name: 'Undo (1)' }).isEnabled(), true);

  // Ctrl+Z with the focus in the rows: the edit is undone, the key stays.
  await page.locator('#grid').focus();
  await page.keyboard.press('Control+z');
  await page.locator('#summary .stat', { hasText: /^Valid/ }).locator('dd').getByText('1', { exact: true }).waitFor();
  await cellShows('bad-email');
  assert.equal(await page.getByLabel('API key').inputValue(), 'my-secret-key');
  assert.equal(await page.locator('.grid-row .cell.edited').count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Redo (1)' }).isEnabled(), true);
  await page.keyboard.press('Control+Shift+z');
  await page.locator('#summary .stat', { hasText: /^Valid/ }).locator('dd').getByText('2', { exact: true }).waitFor();
  await cellShows('bob@acme.com');
  // With nothing left to undo after two undos, the key is still not touched.
  await page.keyboard.press('Control+z');
  await page.locator('#summary .stat', { hasText: /^Valid/ }).locator('dd').getByText('1', { exact: true }).waitFor();
  await page.keyboard.press('Control+z');
  assert.equal(await page.getByLabel('API key').inputValue(), 'my-secret-key');
  await page.keyboard.press('Control+y');
  await page.locator('#summary .stat', { hasText: /^Valid/ }).locator('dd').getByText('2', { exact: true }).waitFor();

  // Another delimiter reads the text again: the edit would be lost, so the page asks first.
  await page.getByLabel('Delimiter').selectOption(';');
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /discards your 1 edited cell/);
  await dialog.getByRole('button', { name: 'Back' }).click();
  assert.equal(await page.getByLabel('Delimiter').inputValue(), 'auto');
  await cellShows('bob@acme.com');
  await page.getByLabel('Delimiter').selectOption(',');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Read again, without the edits' }).click();
  await page.waitForFunction(() => /comma-separated$/.test(document.getElementById('detected').textContent));
  await page.locator('#summary .stat', { hasText: /^Valid/ }).locator('dd').getByText('1', { exact: true }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Undo', exact: true }).isDisabled(), true);
  await page.context().close();
});

test('a header-only file says it has no prospect rows; counts are pluralised', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  await page.getByLabel('Prospects CSV').fill('email,first_name\n');
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.locator('#results').getByText('This file has a header row but no prospect rows.').first().waitFor();
  assert.ok(await page.locator('#results').getByText('This file has a header row but no prospect rows.').first().isVisible());
  await page.locator('#read-status', { hasText: /^Read 0 rows of pasted\.csv/ }).waitFor();
  await paste(page, 'email\n\na@example.com\n');
  await page.locator('#read-status', { hasText: /^Read 1 row of pasted\.csv/ }).waitFor();
  assert.equal(await page.locator('#file-findings li.info').textContent(), '1 blank line was skipped.');
  assert.match(await page.locator('#queue-cost').textContent(), /^1 valid prospect in 1 batch\. /);
  assert.equal(await page.locator('#queue-btn').textContent(), 'Queue 1 prospect');
  assert.equal(await page.getByLabel('Batch', { exact: true }).inputValue(), '1');
  assert.equal(await page.locator('#batch-about').textContent(), 'of 1 (1 prospect, row 1)');
  await paste(page, 'email\n\n\na@example.com\nb@example.com\n');
  await page.locator('#read-status', { hasText: /^Read 2 rows of pasted\.csv/ }).waitFor();
  assert.equal(await page.locator('#file-findings li.info').textContent(), '2 blank lines were skipped.');
  assert.match(await page.locator('#queue-cost').textContent(), /^2 valid prospects in 1 batch\. /);
  await page.context().close();
});

test('an alert is always in view, even when it appears far down the page, and can be dismissed', async () => {
  const page = await h.openPage(browser, h.FILE_URL, { viewport: { width: 1000, height: 600 } });
  await page.getByRole('button', { name: 'Try the sample file' }).click();
  await page.locator('#summary .stat').first().waitFor();
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  assert.ok(await page.evaluate(() => window.scrollY > 1000), 'the page is scrolled far down');
  await page.getByRole('button', { name: 'Check status' }).click();
  const alert = page.getByRole('alert');
  await alert.filter({ hasText: 'Enter a batch uuid to track.' }).waitFor();
  const box = await alert.evaluate((a) => { const r = a.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, vh: innerHeight }; });
  assert.ok(box.top >= 0 && box.bottom <= box.vh, 'the alert is in the viewport: ' + JSON.stringify(box));
  await alert.getByRole('button', { name: 'Dismiss' }).click();
  assert.equal(await alert.isVisible(), false);
  await page.context().close();
});

test('settings: the checkbox sits on its label\'s line; an out-of-range batch size is corrected in the field and explained', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  const geo = await page.evaluate(() => {
    const cb = document.getElementById('remember-key').getBoundingClientRect();
    const label = document.getElementById('remember-key').closest('label').getBoundingClientRect();
    return { cbW: cb.width, cbLeft: cb.left, cbMid: (cb.top + cb.bottom) / 2, labelLeft: label.left, labelH: label.height, labelTop: label.top, labelBottom: label.bottom };
  });
  assert.ok(geo.cbW < 40, 'the checkbox is not stretched: ' + JSON.stringify(geo));
  assert.ok(Math.abs(geo.cbLeft - geo.labelLeft) < 4, 'the checkbox starts the line');
  assert.ok(geo.labelH < 40 && geo.cbMid > geo.labelTop && geo.cbMid < geo.labelBottom, 'one line: ' + JSON.stringify(geo));

  const size = page.getByLabel('Batch size');
  await size.fill('5000');
  await size.dispatchEvent('change');
  assert.equal(await size.inputValue(), '1000');
  assert.match(await page.locator('#batch-hint').textContent(), /At most 1000 prospects per request: 5000 was changed to 1000\./);
  await size.fill('0');
  await size.dispatchEvent('change');
  assert.equal(await size.inputValue(), '1');
  assert.match(await page.locator('#batch-hint').textContent(), /At least 1 prospect per request: 0 was changed to 1\./);
  // Validate without leaving the field: the value used is the one shown.
  await size.fill('2000');
  await paste(page, 'email\na@example.com\n');
  assert.equal(await size.inputValue(), '1000');
  assert.equal(await stat(page, 'Batches').textContent(), '1 × up to 1000');
  await size.fill('50');
  await size.dispatchEvent('change');
  assert.equal(await page.locator('#batch-hint').textContent(), 'Prospects per request. 50 is a safe default.');
  await page.context().close();
});

test('upload a Windows-1252 semicolon file; encoding and delimiter are shown and can be overridden', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pe-up-'));
  const file = path.join(dir, 'excel-de.csv');
  fs.writeFileSync(file, Buffer.from('E-Mail;Vorname;Nachname;Firma\r\njuergen@example.de;J\xfcrgen;M\xfcller;M\xfcller GmbH\r\n', 'latin1'));
  const page = await h.openPage(browser, h.FILE_URL);
  await page.getByLabel('Upload CSV or Excel file').setInputFiles(file);
  await page.locator('#summary .stat').first().waitFor();
  assert.match(await page.locator('#detected').textContent(), /windows-1252, semicolon-separated \(detected\)/);
  assert.equal(await page.locator('.grid-row .cell[data-col="1"]').textContent(), 'Jürgen');
  assert.match(await page.locator('#file-name').textContent(), /excel-de\.csv/);
  // The input is emptied, so picking the same (re-saved) file again fires "change" again.
  assert.equal(await page.locator('#file-input').inputValue(), '');
  // "Validate" with nothing pasted checks the loaded file again (no complaint about pasting).
  await page.locator('#read-status').evaluate((e) => { e.textContent = ''; });
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.locator('#read-status', { hasText: /^Read 1 row of excel-de\.csv/ }).waitFor();
  assert.equal(await page.getByRole('alert').isVisible(), false);
  assert.equal(await page.locator('.grid-row .cell[data-col="1"]').textContent(), 'Jürgen');
  // Force another reading: UTF-8 turns the byte into a replacement character and says so.
  await page.getByLabel('Encoding').selectOption('utf-8');
  await page.waitForFunction(() => /utf-8/.test(document.getElementById('detected').textContent));
  await page.locator('.grid-row .cell[data-col="1"]', { hasText: 'J\ufffdrgen' }).waitFor();
  assert.match(await page.locator('#file-findings').textContent(), /not valid utf-8/i);
  // Wrong delimiter: one column, no email column -> a clear message naming the header.
  await page.getByLabel('Delimiter').selectOption(',');
  await page.getByRole('alert').filter({ hasText: 'No email column' }).waitFor();
  await page.getByLabel('Delimiter').selectOption('auto');
  await page.getByLabel('Encoding').selectOption('auto');
  await page.waitForFunction(() => /windows-1252/.test(document.getElementById('detected').textContent));
  await page.context().close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// The worker reads a file in slices, through a reader worker of its own, while it checks the slices
// before; a file changed on disk after it was chosen cannot be read any more (the browser refuses),
// and the page says what happened and what to do, in words. A larger file (several slices) then
// reads whole, with the same rows as the same bytes pasted.
test('a file changed on disk after it was chosen is refused in words; a file of several slices reads whole', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pe-slices-'));
  const file = path.join(dir, 'export.csv');
  let csv = 'email,first_name,company_website\n';
  for (let i = 0; csv.length < 20 * 1024 * 1024; i++) csv += 'p' + i + '@acme' + (i % 97) + '.com,Ann ' + i + ',acme' + (i % 97) + '.com\n';
  csv += 'broken,Bo,acme.com\np1@acme1.com,Dup,acme1.com\n';
  fs.writeFileSync(file, csv);
  const rows = csv.split('\n').length - 2;
  const page = await h.openPage(browser, h.FILE_URL);
  await page.getByLabel('Upload CSV or Excel file').setInputFiles(file);
  await page.locator('#read-status', { hasText: /^Read [\d,]+ rows of export\.csv/ }).waitFor({ timeout: 120000 });
  assert.equal(await stat(page, 'Rows read').textContent(), rows.toLocaleString('en-US'));
  assert.equal(await stat(page, 'Invalid').textContent(), '1');
  assert.equal(await stat(page, 'Duplicates').textContent(), '1');
  // Re-saved by another program: "Validate" reads the chosen file again, and the browser refuses.
  fs.appendFileSync(file, 'late@acme.com,Late,acme.com\n');
  await page.getByRole('button', { name: 'Validate' }).click();
  const alert = page.getByRole('alert').filter({ hasText: /reading stopped at byte 0/ });
  await alert.waitFor({ timeout: 120000 });
  assert.match(await alert.textContent(), /Check that the file still exists and is not being changed by another program, then choose it again\./);
  assert.doesNotMatch(await alert.textContent(), /\b\d{7,}\b|undefined|\[object/);
  // Chosen again, it reads, with the row added.
  await page.getByLabel('Upload CSV or Excel file').setInputFiles(file);
  await stat(page, 'Rows read').filter({ hasText: new RegExp('^' + (rows + 1).toLocaleString('en-US') + '$') }).waitFor({ timeout: 120000 });
  assert.equal(await stat(page, 'Valid').textContent(), (rows - 1).toLocaleString('en-US'));
  await page.context().close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('drag and drop a file anywhere on the page', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  const dt = await page.evaluateHandle(() => {
    const d = new DataTransfer();
    d.items.add(new File(['Email\nx@example.com\ny@example.com\n'], 'dropped.tsv', { type: 'text/plain' }));
    return d;
  });
  await page.dispatchEvent('main', 'dragover', { dataTransfer: dt });
  await page.dispatchEvent('main', 'drop', { dataTransfer: dt });
  await page.locator('#summary .stat').first().waitFor();
  assert.equal(await stat(page, 'Valid').textContent(), '2');
  assert.match(await page.locator('#file-name').textContent(), /dropped\.tsv/);
  await page.context().close();
});

test('remap a column and fix a cell inline; everything re-validates at once', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  // Every state of the live region, as screen readers (and tests) could read it.
  await page.evaluate(() => {
    const live = document.getElementById('live');
    window.__live = [];
    new MutationObserver(() => window.__live.push(live.textContent)).observe(live, { childList: true, characterData: true, subtree: true });
  });
  // "Contact" is not recognised: no email column, and the message names the headers seen.
  await paste(page, 'Contact,Notes\nnot-an-email,a@example.com\nb@example.com,x\n', 'No email column');
  assert.match(await page.getByRole('alert').textContent(), /“Contact”, “Notes”/);
  await page.getByLabel('Field for column Notes').selectOption('email');
  await page.locator('#summary .stat').first().waitFor();
  assert.equal(await stat(page, 'Valid').textContent(), '1');
  assert.equal(await stat(page, 'Invalid').textContent(), '1');
  assert.ok(await page.getByRole('alert').isHidden());
  // Map Contact instead, then fix its bad cell by keyboard.
  await page.getByLabel('Field for column Contact').selectOption('email');
  await page.getByLabel('Field for column Notes').selectOption('ignore');
  await page.waitForFunction(() => document.querySelector('.grid-row.invalid'));
  const cell = page.locator('.grid-row.invalid .cell[data-col="0"]');
  await cell.focus();
  await page.keyboard.press('Enter');
  const input = page.getByRole('textbox', { name: 'Edit Contact, row 1' });
  await input.fill('fixed@example.com');
  await input.press('Enter');
  await page.waitForFunction(() => !document.querySelector('.grid-row.invalid'));
  assert.equal(await stat(page, 'Valid').textContent(), '2');
  assert.equal(await stat(page, 'Invalid').textContent(), '0');
  // The live region is read when it says what is needed (it is never left empty meanwhile).
  await page.waitForFunction(() => /Row 1 is valid/.test(document.getElementById('live').textContent));
  const said = await page.evaluate(() => window.__live);
  assert.ok(said.length >= 3, 'announcements: ' + JSON.stringify(said));
  assert.deepEqual(said.filter((t) => t === ''), [], 'the live region is never left empty between announcements');
  await page.context().close();
});

test('dry run shows the exact body and a curl command with the key masked', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  await page.getByLabel('API key').fill('secret-key-123');
  await page.getByLabel('Batch size').fill('2');
  await page.getByLabel('Batch size').dispatchEvent('change');
  await paste(page, 'email,first_name\na@example.com,A\nb@example.com,B\nc@example.com,C\n');
  assert.equal(await stat(page, 'Batches').textContent(), '2 × up to 2');
  await h.openRequests(page);
  await page.waitForFunction(() => document.getElementById('batch-body').value.includes('a@example.com'));
  const body = JSON.parse(await page.getByLabel('Request body').inputValue());
  assert.deepEqual(body, { prospects: [{ email: 'a@example.com', first_name: 'A' }, { email: 'b@example.com', first_name: 'B' }] });
  assert.equal(await page.locator('#batch-about').textContent(), 'of 2 (2 prospects, rows 1–2)');
  await page.getByRole('button', { name: 'Next batch' }).click();
  await page.waitForFunction(() => document.getElementById('batch-body').value.includes('c@example.com'));
  const curl = await page.getByLabel('Equivalent curl command (key masked)').inputValue();
  assert.match(curl, /--url 'https:\/\/api\.woodpecker\.co\/rest\/v2\/lead_finder\/prospects\/enrichments'/);
  assert.match(curl, /--header "x-api-key: \$WOODPECKER_API_KEY"/);
  assert.match(curl, /--data '\{"prospects":\[\{"email":"c@example.com","first_name":"C"\}\]\}'$/);
  assert.ok(!curl.includes('secret-key-123'));
  // Copy gives visible feedback for 2 s, and is announced.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => {});
  await page.getByRole('button', { name: 'Copy curl' }).click();
  await page.getByRole('button', { name: 'Copied' }).waitFor();
  await page.waitForFunction(() => document.getElementById('live').textContent.trim() === 'Copied.');
  await page.getByRole('button', { name: 'Copy curl' }).waitFor();
  await page.context().close();
});

// Issue 13: spreadsheet debris. A file that ends in 500 lines of nothing but delimiters shows the
// true counts and no error; the page says once that the blank lines were skipped; header-less empty
// columns are one note, not rows of the mapping table or columns of the grid.
test('a file ending in 500 lines of delimiters: true valid count, no error, one blank-lines line', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pe-blank-'));
  const file = path.join(dir, 'excel-cleared-rows.csv');
  const rows = [
    'email,first_name,last_name,company_website,linkedin_url,company_name,notes',
    'ada@example.com,Ada,Lovelace,example.com,linkedin.com/in/ada,Analytical,',
    'grace@example.org,Grace,Hopper,example.org,linkedin.com/in/grace,Navy,"said ""hi"""',
    'not-an-email,Bob,B,example.net,linkedin.com/in/bob,B Inc,',
    '"alan@example.net" ,Alan,Turing,example.net,linkedin.com/in/alan,Enigma,',
  ];
  for (let i = 0; i < 500; i++) rows.push(',,,,,,');
  fs.writeFileSync(file, rows.join('\r\n') + '\r\n');
  const page = await h.openPage(browser, h.FILE_URL);
  await page.getByLabel('Upload CSV or Excel file').setInputFiles(file);
  await page.locator('#read-status', { hasText: /^Read 4 rows of excel-cleared-rows\.csv/ }).waitFor();
  assert.equal(await stat(page, 'Rows read').textContent(), '4');
  assert.equal(await stat(page, 'Valid').textContent(), '3');
  assert.equal(await stat(page, 'Invalid').textContent(), '1');
  assert.equal(await stat(page, 'Duplicates').textContent(), '0');
  assert.equal(await stat(page, 'Rows with warnings').textContent(), '0');
  // The one message about the blank lines; no other file finding.
  assert.deepEqual(await page.locator('#file-findings li').allTextContents(), ['500 blank lines were skipped.']);
  // The only problem is the real one: no "email is empty" for the blank lines.
  const problems = await page.locator('#problems li').allTextContents();
  assert.equal(problems.length, 1, problems.join('\n'));
  assert.match(problems[0], /^1 row · email: .*not-an-email.*\(row 3\)/);
  assert.doesNotMatch(await page.locator('#results').textContent(), /email is empty|fill it in or remove the row/i);
  await page.getByLabel('Show rows').selectOption('errors');
  await page.waitForFunction(() => document.getElementById('row-count').textContent === '1 row');
  assert.equal(await page.locator('.grid-row .rownum').textContent(), '3');
  assert.match(await page.locator('#queue-cost').textContent(), /^3 valid prospects in 1 batch\. /);
  // The report: a line per row and per blank line, the blank ones marked, in file order.
  const [report] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download report CSV' }).click()]);
  const lines = fs.readFileSync(await report.path(), 'utf8').replace(/^\ufeff/, '').trim().split('\r\n');
  assert.equal(lines.length, 1 + 4 + 500);
  assert.match(lines[4], /^4,5,alan@example\.net,valid,not sent,/);
  assert.equal(lines[5], ',6,,blank,"blank line, skipped",');
  assert.equal(lines[504], ',505,,blank,"blank line, skipped",');

  // The issue's own example, pasted: two rows, two blank lines, the empty columns out of the way.
  await paste(page, 'email,name,,,\na@b.com,x,,,\nc@d.com,y,,,\n,,,,\n,,,,\n');
  await page.locator('#read-status', { hasText: /^Read 2 rows of pasted\.csv/ }).waitFor();
  assert.equal(await stat(page, 'Valid').textContent(), '2');
  assert.equal(await stat(page, 'Invalid').textContent(), '0');
  assert.deepEqual(await page.locator('#file-findings li.info').allTextContents(), [
    '3 empty columns at the end were ignored (columns 3 to 5 have no header and no value in any row).',
    '2 blank lines were skipped.',
  ]);
  assert.deepEqual(await page.locator('#columns th').allTextContents(), ['email', 'name']);
  assert.equal(await page.locator('#columns').getByText('(no header)').count(), 0);
  assert.deepEqual(await page.locator('#grid-head .cell').allTextContents(), ['Row', 'Status', 'Problems', 'email', 'name']);
  await page.context().close();
});

// The dry run's batch is chosen by number (field, previous, next), not from a list of every batch:
// the page's DOM does not grow with the plan (19,600 <option>s took 0.4 s of the main thread).
test('dry run of a file of 1,500 batches: chosen by number, kept in range, no list of batches', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  await page.getByLabel('Batch size').fill('1');
  await page.getByLabel('Batch size').dispatchEvent('change');
  let csv = 'email,first_name\n';
  for (let i = 1; i <= 1500; i++) csv += 'p' + i + '@example.com,P' + i + '\n';
  await paste(page, csv);
  await page.locator('#read-status', { hasText: /^Read 1,500 rows of pasted\.csv/ }).waitFor();
  await h.openRequests(page);
  const pick = page.getByLabel('Batch', { exact: true });
  const about = page.locator('#batch-about');
  // Types n into the field and waits for the batch whose first prospect is `email`.
  const type = async (n, email) => {
    await pick.fill(n);
    await pick.dispatchEvent('change');
    await page.waitForFunction((e) => JSON.parse(document.getElementById('batch-body').value).prospects[0].email === e, email);
  };
  await page.waitForFunction(() => document.getElementById('batch-body').value.includes('p1@example.com'));
  assert.equal(await about.textContent(), 'of 1,500 (1 prospect, row 1)');
  assert.equal(await page.locator('#dryrun option').count(), 0);
  assert.ok(await page.locator('#dryrun *').count() < 30, 'the dry run does not grow with the plan');
  assert.equal(await page.getByRole('button', { name: 'Previous batch' }).isDisabled(), true);
  // Typed: the batch of that number.
  await type('1234', 'p1234@example.com');
  assert.equal(await about.textContent(), 'of 1,500 (1 prospect, row 1,234)');
  // Beyond the last: the last; next is then disabled; previous goes back one.
  await type('99999', 'p1500@example.com');
  assert.equal(await pick.inputValue(), '1500');
  assert.equal(await page.getByRole('button', { name: 'Next batch' }).isDisabled(), true);
  await page.getByRole('button', { name: 'Previous batch' }).click();
  await page.waitForFunction(() => JSON.parse(document.getElementById('batch-body').value).prospects[0].email === 'p1499@example.com');
  assert.equal(await pick.inputValue(), '1499');
  // Not a number, or below 1: the first.
  await type('', 'p1@example.com');
  assert.equal(await pick.inputValue(), '1');
  // A smaller plan keeps the number within it.
  await pick.fill('1500');
  await pick.dispatchEvent('change');
  await page.waitForFunction(() => document.getElementById('batch-pick').value === '1500');
  await paste(page, 'email\na@example.com\nb@example.com\n');
  await page.locator('#read-status', { hasText: /^Read 2 rows of pasted\.csv/ }).waitFor();
  await page.waitForFunction(() => document.getElementById('batch-about').textContent === 'of 2 (1 prospect, row 2)');
  assert.equal(await pick.inputValue(), '2');
  await page.context().close();
});

test('exports: report per input row and cleaned CSV, formulas neutralised, no key', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  await page.getByLabel('API key').fill('secret-key-123');
  await paste(page, 'email,first_name\na@example.com,=HYPERLINK("x")\nbad,B\na@example.com,C\n');
  const [report] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download report CSV' }).click()]);
  const rtext = fs.readFileSync(await report.path(), 'utf8');
  const lines = rtext.replace(/^\ufeff/, '').trim().split('\r\n');
  assert.equal(lines[0], 'row,line,email,status,outcome,details');
  assert.equal(lines.length, 4, 'one line per input row');
  assert.match(lines[1], /^1,2,a@example.com,valid,not sent,/);
  assert.match(lines[2], /^2,3,bad,invalid,invalid,/);
  assert.match(lines[3], /^3,4,a@example.com,duplicate,duplicate of row 1,/);
  assert.ok(!rtext.includes('secret-key-123'));
  const [clean] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download cleaned CSV' }).click()]);
  const ctext = fs.readFileSync(await clean.path(), 'utf8').replace(/^\ufeff/, '');
  assert.equal(ctext, 'email,first_name,last_name,linkedin_url,company_name,company_website\r\na@example.com,"\'=HYPERLINK(""x"")",,,,\r\n');
  await page.context().close();
});

test('100,000 rows: only visible rows are in the DOM and scrolling reaches the end', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pe-big-'));
  const file = path.join(dir, 'big.csv');
  const rows = ['email,first_name,last_name,website'];
  for (let i = 0; i < 100000; i++) rows.push((i % 1000 === 999 ? 'broken' + i : 'user' + i + '@example.com') + ',F' + i + ',L' + i + ',example.com');
  fs.writeFileSync(file, rows.join('\n') + '\n');
  const page = await h.openPage(browser, h.FILE_URL);
  await page.getByLabel('Upload CSV or Excel file').setInputFiles(file);
  await page.locator('#summary .stat').first().waitFor({ timeout: 180000 });
  assert.equal(await stat(page, 'Rows read').textContent(), '100,000');
  assert.equal(await stat(page, 'Invalid').textContent(), '100');
  // The grid asks the worker for its visible rows after the summary is shown.
  await page.locator('.grid-row .rownum', { hasText: /^1$/ }).waitFor();
  const domRows = await page.locator('.grid-row').count();
  assert.ok(domRows > 5 && domRows < 80, 'rendered rows: ' + domRows);
  await page.locator('#grid').evaluate((g) => { g.scrollTop = g.scrollHeight; });
  await page.locator('.grid-row .rownum', { hasText: /^100000$/ }).waitFor();
  assert.ok(await page.locator('.grid-row').count() < 80);
  await page.getByLabel('Show rows').selectOption('errors');
  await page.waitForFunction(() => document.getElementById('row-count').textContent === '100 rows');
  await page.context().close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('usable at 320 px: no horizontal page scroll, controls reachable by keyboard', async () => {
  const page = await h.openPage(browser, h.FILE_URL, { viewport: { width: 320, height: 700 } });
  // Tab reaches the steps' Settings link from the top of the page; it leads to the API key field.
  let reached = false;
  for (let i = 0; i < 10 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement && document.activeElement.classList.contains('steps-settings'));
  }
  assert.ok(reached, 'Settings reachable by Tab');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'api-key', 'API key reachable by Tab from Settings');
  await page.getByRole('button', { name: 'Try the sample file' }).click();
  await page.locator('#summary .stat').first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, 'page scrolls sideways by ' + overflow + ' px');
  // The mapping is a card per column, nothing clipped: no sideways scroll inside its box either, each
  // value labelled; still a table of rows and cells to a screen reader.
  const mapping = await page.locator('#columns').evaluate((tb) => { const t = tb.closest('table'); return { over: t.scrollWidth - t.parentElement.clientWidth, display: getComputedStyle(t).display }; });
  assert.deepEqual(mapping, { over: 0, display: 'block' });
  const email = page.getByRole('row', { name: /^Email\b/ });
  assert.equal(await email.getByRole('cell').first().evaluate((c) => getComputedStyle(c, '::before').content), '"Sent as: " / ""');
  assert.equal(await page.getByRole('table', { name: 'Columns' }).getByRole('rowheader').count(), 7);
  // Every form control has an accessible name.
  const unnamed = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea, button')]
    .filter((e) => e.offsetParent !== null || e.type === 'file')
    .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !(e.textContent || '').trim())
    .map((e) => e.id || e.outerHTML.slice(0, 60)));
  assert.deepEqual(unnamed, []);
  await page.context().close();
});

test('from disk, the page\'s Content-Security-Policy blocks inline and third-party scripts', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  const result = await page.evaluate(async () => {
    const violations = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));
    const inline = document.createElement('script');
    inline.textContent = 'window.__inlineRan = true;';
    document.body.append(inline);
    const remote = document.createElement('script');
    remote.src = 'https://cdn.example.com/lib.js';   // refused by the policy before any request
    document.body.append(remote);
    // Wait for both reports (they are events, sent after the refusal), however slow the machine.
    await new Promise((resolve) => {
      const done = () => violations.some((v) => v.includes('inline')) && violations.some((v) => v.includes('cdn.example.com'));
      if (done()) return resolve();
      document.addEventListener('securitypolicyviolation', () => { if (done()) resolve(); });
      setTimeout(resolve, 30000);   // then the asserts below say which report is missing
    });
    return { inlineRan: !!window.__inlineRan, violations };
  });
  assert.equal(result.inlineRan, false);
  assert.ok(result.violations.some((v) => v.startsWith('script-src') && v.includes('inline')), JSON.stringify(result.violations));
  assert.ok(result.violations.some((v) => v.includes('cdn.example.com')), JSON.stringify(result.violations));
  // The page itself still works under the policy.
  await page.getByRole('button', { name: 'Try the sample file' }).click();
  await page.locator('#summary .stat').first().waitFor();
  await page.context().close();
});

test('served by nginx: upload, remap, dry run against the proxy path, exports', async () => {
  const sandbox = await h.startSandbox();
  const nginx = await h.startNginx(sandbox.port);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pe-srv-'));
  const file = path.join(dir, 'hubspot.csv');
  fs.writeFileSync(file, '\ufeffFirst Name,Last Name,Contact Email,Company Name,Website URL\nGavin,Belson,gavin@hooli.com,Hooli,hooli.com\nNelson,Bighetti,nelson@hooli.com,Hooli,https://hooli.com/xyz\n');
  try {
    const page = await h.openPage(browser, nginx.url + '/');
    // Served: the default endpoint is this server's same-origin proxy to the real API.
    await h.started(page);
    assert.equal(await page.getByLabel('API base URL').inputValue(), nginx.url + '/woodpecker');
    await page.getByLabel('Upload CSV or Excel file').setInputFiles(file);
    await page.locator('#summary .stat').first().waitFor();
    assert.match(await page.locator('#detected').textContent(), /utf-8-bom, comma-separated/);
    assert.equal(await stat(page, 'Valid').textContent(), '2');
    await page.getByLabel('Field for column Company Name').selectOption('ignore');
    await page.waitForFunction(() => !document.getElementById('batch-body').value.includes('company_name'));
    const curl = await page.getByLabel('Equivalent curl command (key masked)').inputValue();
    assert.match(curl, new RegExp("--url '" + nginx.url + "/woodpecker/rest/v2/lead_finder/prospects/enrichments'"));
    const [clean] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download cleaned CSV' }).click()]);
    assert.equal(fs.readFileSync(await clean.path(), 'utf8').replace(/^\ufeff/, ''),
      'email,first_name,last_name,linkedin_url,company_name,company_website\r\n' +
      'gavin@hooli.com,Gavin,Belson,,,https://hooli.com\r\nnelson@hooli.com,Nelson,Bighetti,,,https://hooli.com\r\n');
    assert.deepEqual(page.consoleLines.filter((l) => /^error|pageerror/.test(l)), []);
    await page.context().close();
  } finally {
    await nginx.stop();
    await sandbox.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a link cannot point the API key at another host: ?api= takes only the built-in choices and this machine', async () => {
  const page = await h.openPage(browser, h.FILE_URL + '?api=' + encodeURIComponent('https://evil.example'));
  await h.started(page);
  assert.equal(await page.getByLabel('API base URL').inputValue(), 'https://api.woodpecker.co');
  await page.getByRole('alert').filter({ hasText: 'This link asked the page to use the API at “https://evil.example”, which it refuses' }).waitFor();
  await page.goto(h.FILE_URL + '?api=' + encodeURIComponent('http://127.0.0.1:9/'));
  await h.started(page);
  assert.equal(await page.getByLabel('API base URL').inputValue(), 'http://127.0.0.1:9');
  await page.context().close();
});

test('Settings and the credit note come from the core\'s constants at once, before the validation engine has started', async () => {
  const { constants } = require('./page_constants.js');
  const context = await browser.newContext();
  // A worker that never starts: nothing may wait for it.
  await context.addInitScript(() => { window.Worker = class { postMessage() {} terminate() {} }; });
  const page = await context.newPage();
  await page.goto(h.FILE_URL);
  assert.equal(await page.evaluate(() => Promise.race([window.PE.engine.ready.then(() => 'started'), new Promise((r) => setTimeout(r, 0, 'not started'))])),
    'not started');
  for (const label of ['API endpoint', 'API base URL', 'Batch size']) assert.equal(await page.getByLabel(label).isEnabled(), true, label);
  assert.equal(await page.getByLabel('API base URL').inputValue(), constants.default_base_url);
  assert.equal(await page.getByLabel('Batch size').inputValue(), String(constants.default_batch_size));
  assert.equal(await page.getByLabel('Batch size').getAttribute('max'), String(constants.max_batch_size));
  assert.equal(await page.locator('#credit-note').textContent(),
    'Each prospect enrichment that finds data costs ' + constants.credits_per_prospect + ' credits.');
  await context.close();
});

test('column choices belong to their file: a new file starts from the detected mapping', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  await paste(page, 'Email,Company\na@example.com,Acme\n');
  await page.getByLabel('Field for column Company').selectOption('ignore');
  await page.waitForFunction(() => !document.getElementById('batch-body').value.includes('Acme'));
  // The same bytes read with another delimiter keep the choice...
  await page.getByLabel('Delimiter').selectOption(',');
  await page.waitForFunction(() => /comma-separated$/.test(document.getElementById('detected').textContent));
  assert.equal(await page.getByLabel('Field for column Company').inputValue(), 'ignore');
  // ...a new file does not.
  await paste(page, 'Email,Company,First Name\nb@example.com,Initech,Bob\n');
  await page.waitForFunction(() => document.getElementById('batch-body').value.includes('Initech'));
  assert.equal(await page.getByLabel('Field for column Company').inputValue(), 'company_name');
  await page.context().close();
});

test('keyboard focus stays in the rows while arrowing past the first screen', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  const rows = ['email'];
  for (let i = 0; i < 200; i++) rows.push('p' + i + '@example.com');
  await paste(page, rows.join('\n'));
  await page.locator('.grid-row .cell[data-col="0"]').first().focus();
  for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => document.activeElement.dataset.row === '40').catch(() => {});
  const focused = await page.evaluate(() => ({ row: document.activeElement.dataset.row, col: document.activeElement.dataset.col }));
  assert.deepEqual(focused, { row: '40', col: '0' });
  assert.equal(await page.locator('#grid').getAttribute('aria-rowcount'), '201');
  // Page Down, Ctrl+End, Home; and the Problems column (-1) is reachable for whole-row messages.
  await page.keyboard.press('Control+End');
  await page.waitForFunction(() => document.activeElement.dataset.row === '199');
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.activeElement.dataset.col === '-1');
  await page.keyboard.press('PageUp');
  await page.waitForFunction(() => +document.activeElement.dataset.row < 199 && +document.activeElement.dataset.row > 170);
  // Escape while editing returns focus to the same cell.
  await page.keyboard.press('ArrowRight');
  const row = await page.evaluate(() => document.activeElement.dataset.row);
  await page.keyboard.press('Enter');
  await page.locator('.cell-edit').waitFor();
  await page.keyboard.press('Escape');
  await page.waitForFunction((r) => document.activeElement.dataset.row === r && document.activeElement.dataset.col === '0', row);
  await page.context().close();
});
