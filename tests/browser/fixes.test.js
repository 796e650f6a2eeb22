// Issue 12: bulk fixes on a 20,000-row file, each offered with its count, made at once, and undone
// at once: company websites filled from the email's company domain (never from a webmail one), and
// the spaces of a column trimmed.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const ROWS = 20000;
// Every 10th row has no website (2,000): half of them with a company email (1,000 to fill), half
// with a gmail.com one (left empty). Every 8th first name has spaces around it (2,500 to trim).
// more: the same rows with what the other bulk fixes need, and a Full Name column (not used: the
// file has first and last names): every 40th row from the 7th has an email domain in capitals
// (500: Person7@Company7.COM), every 50th from the 25th an email without an @ (400 invalid rows),
// and every 25th from the 3rd no first or last name but a full name (800 to split).
const UPPER = (i) => i % 40 === 7, INVALID = (i) => i % 50 === 25, UNNAMED = (i) => i % 25 === 3;
function exportCsv(more = false) {
  const lines = ['Email,First Name,Last Name,Website' + (more ? ',Full Name' : '')];
  for (let i = 1; i <= ROWS; i++) {
    const noSite = i % 10 === 0;
    let email = noSite && i % 20 === 0 ? 'person' + i + '@gmail.com' : 'person' + i + '@company' + (i % 500) + '.com';
    let first = i % 8 === 0 ? '  First' + i + ' ' : 'First' + i, last = 'Last' + i;
    if (more && UPPER(i)) email = 'Person' + i + '@Company' + (i % 500) + '.COM';
    if (more && INVALID(i)) email = 'person' + i + '.company.com';
    if (more && UNNAMED(i)) first = last = '';
    const row = [email, first, last, noSite ? '' : 'company' + (i % 500) + '.com'];
    if (more) row.push('Ada' + i + ' van der Berg');
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}

let browser;
test.before(async () => { browser = await h.launch(); });
test.after(async () => { if (browser) await browser.close(); });

// A page with csv pasted and read (rows: how many it has).
async function pasted(csv, rows) {
  const page = await h.openPage(browser, h.FILE_URL);
  await h.started(page);
  await page.getByLabel('Prospects CSV').fill(csv);
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.locator('#read-status', { hasText: new RegExp('^Read ' + rows + ' rows') }).waitFor();
  return page;
}
const fixes = (page) => page.locator('#fixes li').evaluateAll((lis) => lis.map((li) => li.firstChild.textContent.trim()));

test('bulk fixes on 20,000 rows: counted before, made at once, undone at once', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  await h.started(page);
  await page.getByLabel('Upload CSV or Excel file').setInputFiles({ name: 'export.csv', mimeType: 'text/csv', buffer: Buffer.from(exportCsv()) });
  await page.locator('#read-status', { hasText: /^Read 20,000 rows/ }).waitFor();
  await page.locator('#fixes li').first().waitFor();
  assert.deepEqual(await fixes(page), [
    'Fill 1,000 empty company websites with the domain of the row\'s email (not for email providers such as gmail.com).',
    'Trim the spaces of 2,500 cells of “First Name” (at the ends, and doubled inside).',
  ]);

  // Fill: 1,000 cells, one step; the gmail rows stay empty.
  await page.getByRole('button', { name: /^Fill them/ }).click();
  await page.locator('#undo-btn', { hasText: 'Undo (1)' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#fixes li').length === 1);
  assert.deepEqual(await fixes(page), ['Trim the spaces of 2,500 cells of “First Name” (at the ends, and doubled inside).']);
  const website = (row) => page.locator('.grid-row .cell[data-row="' + row + '"][data-col="3"]').textContent();
  // Row 10 (index 9): company10.com from its email; row 20 (index 19): gmail, left empty.
  assert.equal(await website(9), 'company10.com');
  assert.equal(await website(19), '');
  assert.equal(await page.locator('.grid-row .cell.edited[data-row="9"][data-col="3"]').count(), 1, 'a filled cell is marked as edited');

  // Trim: 2,500 cells; then one undo takes the trim back, another the fill.
  await page.getByRole('button', { name: /^Trim them/ }).click();
  await page.locator('#undo-btn', { hasText: 'Undo (2)' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#fixes li').length === 0);
  assert.equal(await page.locator('.grid-row .cell[data-row="7"][data-col="1"]').textContent(), 'First8');
  assert.ok(await page.locator('#fixes-h').isHidden(), 'no fix left: no heading either');
  await page.getByRole('button', { name: /^Undo/ }).click();
  await page.locator('#undo-btn', { hasText: 'Undo (1)' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#fixes li').length === 1);
  assert.equal(await page.locator('.grid-row .cell[data-row="7"][data-col="1"]').textContent(), '  First8 ');
  await page.getByRole('button', { name: /^Undo/ }).click();
  await page.locator('#undo-btn', { hasText: /^Undo$/ }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#fixes li').length === 2);
  assert.equal(await website(9), '');
  // Redo makes the fill again, exactly.
  await page.getByRole('button', { name: /^Redo/ }).click();
  await page.locator('#undo-btn', { hasText: 'Undo (1)' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#fixes li').length === 1);
  assert.equal(await website(9), 'company10.com');
  await page.context().close();
});

test('revert cell: an edited cell back to its value as read, as a step of the undo history', async () => {
  const page = await pasted('Email,First Name\nbroken,Ada\nbob@example.com,Bob\n', 2);
  const revert = page.locator('#revert-btn');
  assert.equal(await revert.isDisabled(), true, 'nothing edited: nothing to revert');
  const cell = page.locator('.grid-row .cell[data-row="0"][data-col="0"]');
  await cell.focus();
  await page.keyboard.press('Enter');
  await page.locator('input.cell-edit').fill('ada@example.com');
  await page.locator('input.cell-edit').press('Enter');
  await page.locator('.grid-row .cell.edited[data-row="0"][data-col="0"]', { hasText: 'ada@example.com' }).waitFor();
  await page.locator('.grid-row .cell[data-row="0"][data-col="0"]').focus();
  await page.waitForFunction(() => !document.getElementById('revert-btn').disabled);
  assert.equal(await revert.getAttribute('aria-label'), 'Revert row 1, Email to “broken” as read');
  await revert.click();
  await page.locator('.grid-row .cell[data-row="0"][data-col="0"]', { hasText: /^broken$/ }).waitFor();
  assert.equal(await page.locator('.grid-row .cell.edited').count(), 0, 'no longer marked as edited');
  assert.equal(await revert.isDisabled(), true);
  assert.equal(await page.locator('#summary .stat', { hasText: /^Valid/ }).locator('dd').textContent(), '1');
  // The revert is a step: undo makes the edit again.
  await page.getByRole('button', { name: /^Undo/ }).click();
  await page.locator('.grid-row .cell.edited[data-row="0"][data-col="0"]', { hasText: 'ada@example.com' }).waitFor();
  assert.equal(await page.locator('#summary .stat', { hasText: /^Valid/ }).locator('dd').textContent(), '2');
  await page.context().close();
});

test('values the checks leave out can be cleared at once; emptied websites can then be filled from the emails', async () => {
  const page = await pasted('Email,LinkedIn,Website\na@acme.com,https://www.linkedin.com/company/acme,facebook.com/acme\nb@beta.io,https://www.linkedin.com/in/bee,beta.io\n', 2);
  await page.locator('#fixes li').first().waitFor();
  assert.deepEqual(await fixes(page), [
    'Clear 1 LinkedIn value that is not a person\'s profile (company pages, Sales Navigator links…): they are left out of the requests anyway.',
    'Clear 1 website value that is not a company\'s site (social pages, IP addresses…): they are left out of the requests anyway.',
  ]);
  await page.getByRole('button', { name: /^Clear them: Clear 1 website/ }).click();
  await page.waitForFunction(() => /^Fill 1 empty company website/.test(document.querySelector('#fixes li') && document.querySelector('#fixes li').textContent));
  await page.getByRole('button', { name: /^Fill them/ }).click();
  await page.locator('.grid-row .cell[data-row="0"][data-col="2"]', { hasText: /^acme\.com$/ }).waitFor();
  assert.equal(await page.locator('#undo-btn').textContent(), 'Undo (2)');
  await page.context().close();
});

test('the mapping helps decide: plain labels with the API names, email required, each column\'s fill rate and samples, also before an email column is chosen', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  await h.started(page);
  await page.getByLabel('Prospects CSV').fill('Contact,Who,Phone\njane@acme.com,Jane Doe,\nbob@beta.io,Bob,555\n,Cy,\njane@acme.com,Jane again,\n');
  await page.getByRole('button', { name: 'Validate' }).click();
  // No column is recognised as email: the columns are shown with what they hold, to choose from.
  await page.getByLabel('Field for column Contact').waitFor();
  const row = (header) => page.locator('#columns tr', { has: page.locator('th', { hasText: header }) }).locator('td')
    .evaluateAll((tds) => tds.slice(1).map((td) => td.textContent));
  assert.deepEqual(await row('Contact'), ['3 of 4 (75%)', 'jane@acme.com · bob@beta.io', '']);
  assert.deepEqual((await row('Phone')).slice(0, 2), ['1 of 4 (25%)', '555']);
  const options = await page.getByLabel('Field for column Contact').locator('option').allTextContents();
  assert.deepEqual(options, ['Work email (email, required)', 'First name (first_name)', 'Last name (last_name)',
    'Full name, split into first and last (full_name)', 'LinkedIn profile URL (linkedin_url)', 'Company name (company_name)',
    'Company website (company_website)', 'ignored']);
  await page.getByLabel('Field for column Contact').selectOption('email');
  await page.locator('#summary .stat', { hasText: /^Valid/ }).locator('dd', { hasText: /^2$/ }).waitFor();  // one empty, one duplicate
  assert.deepEqual((await row('Who')).slice(0, 2), ['all', 'Jane Doe · Bob · Cy']);
  await page.context().close();
});

// ---- the other bulk fixes, on the same 20,000 rows with more to fix ----
const stat = (page, label) => page.locator('#summary .stat', { hasText: new RegExp('^' + label) }).locator('dd');
// Waits until the summary's `label` says `value`.
const statIs = (page, label, value) => page.locator('#summary .stat', { hasText: new RegExp('^' + label) }).locator('dd', { hasText: new RegExp('^' + value + '$') }).waitFor();
const cell = (page, row, col) => page.locator('.grid-row .cell[data-row="' + row + '"][data-col="' + col + '"]');
const count = (pred) => { let n = 0; for (let i = 1; i <= ROWS; i++) n += pred(i) ? 1 : 0; return n; };
async function uploadMore(page) {
  await page.getByLabel('Upload CSV or Excel file').setInputFiles({ name: 'more.csv', mimeType: 'text/csv', buffer: Buffer.from(exportCsv(true)) });
  await page.locator('#read-status', { hasText: /^Read 20,000 rows/ }).waitFor();
  await page.locator('#fixes li').first().waitFor();
}
const undoCount = (page, n) => page.locator('#undo-btn', { hasText: n ? new RegExp('^Undo \\(' + n + '\\)$') : /^Undo$/ }).waitFor();
const summaryText = (page) => page.locator('#summary').textContent();

test('lower-cased email domains, split full names and excluded invalid rows on 20,000 rows: counted before, made at once, undone exactly', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  await h.started(page);
  await uploadMore(page);
  const upper = count(UPPER), invalid = count(INVALID), unnamed = count(UNNAMED);
  assert.deepEqual([upper, invalid, unnamed], [500, 400, 800]);
  const offered = await fixes(page);
  assert.deepEqual(offered, [
    'Fill 1,000 empty company websites with the domain of the row\'s email (not for email providers such as gmail.com).',
    'Lower-case the domain of 500 emails (Jared@PiedPiper.COM becomes Jared@piedpiper.com; the part before the @ is kept).',
    'Split 800 full names into the empty first and last names (the first word is the first name, the rest the last name; “Last, First” is turned round; a single word is a first name).',
    'Trim the spaces of ' + count((i) => i % 8 === 0 && !UNNAMED(i)).toLocaleString('en-US') + ' cells of “First Name” (at the ends, and doubled inside).',
    'Exclude 400 rows that cannot be sent (invalid or duplicate): they are kept and marked, and left out of the batches and the cleaned CSV.',
  ]);
  const before = await summaryText(page);
  // Each fix's and each group's buttons are buttons (Tab reaches them) named for what they do.
  const names = await page.locator('#fixes button, #problems button').evaluateAll((bs) => bs.map((b) => b.tagName + ':' + (b.getAttribute('aria-label') || '')));
  assert.ok(names.length >= 5 + 2 && names.every((n) => /^BUTTON:\S/.test(n)), names.join('\n'));
  assert.ok(names.some((n) => /^BUTTON:Exclude them: Exclude 400 rows/.test(n)) && names.some((n) => /^BUTTON:Exclude the 400 rows of this group/.test(n)), names.join('\n'));
  assert.equal(await stat(page, 'Invalid').textContent(), '400');
  assert.equal(await page.locator('#summary .stat', { hasText: /^Excluded by you/ }).count(), 0, 'nothing excluded yet');

  // Lower-case: 500 cells at once, the local part kept.
  await page.getByRole('button', { name: /^Lower-case them/ }).click();
  await undoCount(page, 1);
  await page.waitForFunction(() => ![...document.querySelectorAll('#fixes li')].some((li) => /^Lower-case/.test(li.textContent)));
  assert.equal(await cell(page, 6, 0).textContent(), 'Person7@company7.com');
  assert.equal(await page.locator('.grid-row .cell.edited[data-row="6"][data-col="0"]').count(), 1);

  // Split: 800 rows, first and last name each; the full name itself is kept.
  await page.getByRole('button', { name: /^Split them/ }).click();
  await undoCount(page, 2);
  await page.waitForFunction(() => ![...document.querySelectorAll('#fixes li')].some((li) => /^Split/.test(li.textContent)));
  // The full name column is ignored (first and last names are there): shown on asking.
  await page.getByRole('button', { name: 'Show the 1 ignored column' }).click();
  assert.deepEqual([await cell(page, 2, 1).textContent(), await cell(page, 2, 2).textContent(), await cell(page, 2, 4).textContent()],
    ['Ada3', 'van der Berg', 'Ada3 van der Berg']);

  // Exclude the invalid rows: kept and counted apart, listed by the "Excluded rows" filter, not sent.
  const batches = await stat(page, 'Batches').textContent();
  await page.getByRole('button', { name: /^Exclude them/ }).click();
  await undoCount(page, 3);
  await statIs(page, 'Excluded by you', '400');
  assert.equal(await stat(page, 'Invalid').textContent(), '0');
  assert.equal(await stat(page, 'Rows read').textContent(), '20,000', 'every row is still accounted for');
  assert.equal(await stat(page, 'Batches').textContent(), batches, 'the invalid rows were never in a batch');
  await page.waitForFunction(() => ![...document.querySelectorAll('#fixes li')].some((li) => /^Exclude/.test(li.textContent)));
  assert.equal(await page.locator('#problems li', { hasText: 'email' }).filter({ hasText: /400 rows/ }).count(), 0, 'their problem group is gone');
  await page.getByLabel('Show rows').selectOption('excluded');
  await page.locator('#row-count', { hasText: /^400 rows$/ }).waitFor();
  assert.equal(await page.locator('.grid-row.excluded').first().locator('.cell.status').textContent(), 'excluded by you (invalid)');
  await page.getByLabel('Show rows').selectOption('all');
  await page.locator('#row-count', { hasText: /^20,000 rows$/ }).waitFor();

  // Undo, three times: each step back exactly, and the summary as it was.
  await page.getByRole('button', { name: /^Undo/ }).click();
  await undoCount(page, 2);
  await page.waitForFunction(() => !/Excluded by you/.test(document.getElementById('summary').textContent));
  assert.equal(await stat(page, 'Invalid').textContent(), '400');
  await page.getByRole('button', { name: /^Undo/ }).click();
  await undoCount(page, 1);
  await page.waitForFunction(() => document.querySelector('.grid-row .cell[data-row="2"][data-col="1"]').textContent === '');
  assert.equal(await cell(page, 2, 2).textContent(), '');
  await page.getByRole('button', { name: /^Undo/ }).click();
  await undoCount(page, 0);
  await page.waitForFunction(() => document.querySelectorAll('#fixes li').length === 5);
  assert.equal(await cell(page, 6, 0).textContent(), 'Person7@Company7.COM');
  assert.deepEqual(await fixes(page), offered);
  assert.equal(await summaryText(page), before);
  assert.equal(await page.locator('.grid-row .cell.edited').count(), 0);
  await page.context().close();
});

test('a problem group\'s rows excluded from its "Exclude these N rows" button, by keyboard; "Include row again" per row; undo and redo', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  await h.started(page);
  await uploadMore(page);
  const group = page.locator('#problems li', { hasText: /^400 rows · email/ });
  const exclude = group.getByRole('button', { name: /^Exclude the 400 rows of this group/ });
  // Keyboard: Tab from the group's Show button reaches it; Enter presses it.
  await group.getByRole('button', { name: /^Show the 400 rows/ }).focus();
  await page.keyboard.press('Tab');
  assert.equal(await exclude.evaluate((b) => b === document.activeElement), true);
  assert.equal(await exclude.textContent(), 'Exclude these 400 rows');
  await page.keyboard.press('Enter');
  await undoCount(page, 1);
  await statIs(page, 'Excluded by you', '400');
  assert.equal(await stat(page, 'Rows read').textContent(), '20,000');
  // Row 25 (index 24) is excluded: focus one of its cells, then "Include row again" takes it back.
  await page.getByLabel('Show rows').selectOption('excluded');
  await page.locator('#row-count', { hasText: /^400 rows$/ }).waitFor();
  await cell(page, 24, 0).focus();
  const toggle = page.locator('#exclude-btn');
  await page.waitForFunction(() => document.getElementById('exclude-btn').textContent === 'Include row again');
  assert.equal(await toggle.getAttribute('aria-label'), 'Include row 25 again');
  await toggle.click();
  await undoCount(page, 2);
  await statIs(page, 'Excluded by you', '399');
  await page.locator('#row-count', { hasText: /^399 rows$/ }).waitFor();
  // Undo excludes it again; redo includes it again.
  await page.getByRole('button', { name: /^Undo/ }).click();
  await statIs(page, 'Excluded by you', '400');
  await page.getByRole('button', { name: /^Redo/ }).click();
  await statIs(page, 'Excluded by you', '399');
  await page.context().close();
});

test('find and replace in a column: the count before, one undoable step; every new control is reached by keyboard and named', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  await h.started(page);
  await uploadMore(page);
  // Every control of the form has a name; Tab goes through them in order.
  const ids = ['replace-col', 'replace-find', 'replace-with', 'replace-whole', 'replace-case', 'replace-btn'];
  for (const id of ids.concat('exclude-btn')) {
    const named = await page.locator('#' + id).evaluate((e) => !!(e.getAttribute('aria-label') || (e.labels && [...e.labels].some((l) => l.textContent.trim())) || (e.tagName === 'BUTTON' && e.textContent.trim())));
    assert.ok(named, '#' + id + ' has an accessible name');
  }
  await page.getByLabel('In column').selectOption({ label: 'Email' });
  await page.locator('#replace-count', { hasText: /^Type what to find/ }).waitFor();
  assert.equal(await page.locator('#replace-btn').isDisabled(), true);
  // Every email ends in .com: 500 of them in capitals, which only a case-blind find takes.
  await page.getByLabel('Find', { exact: true }).fill('.com');
  await page.getByLabel('Replace with').fill('.net');
  await page.locator('#replace-count', { hasText: '20,000 cells would change.' }).waitFor();
  await page.getByLabel('Match case').check();
  await page.locator('#replace-count', { hasText: '19,500 cells would change.' }).waitFor();
  // A cell the replace would leave as it is does not count: case-blind, .COM -> .com changes 500.
  await page.getByLabel('Find', { exact: true }).fill('.COM');
  await page.getByLabel('Replace with').fill('.com');
  await page.getByLabel('Match case').uncheck();
  await page.locator('#replace-count', { hasText: '500 cells would change.' }).waitFor();
  await page.getByLabel('Match case').check();
  await page.locator('#replace-count', { hasText: '500 cells would change.' }).waitFor();
  // Keyboard: from the column choice, Tab goes through the form to Replace, which Enter presses.
  await page.getByLabel('In column').focus();
  const order = [];
  for (let k = 0; k < ids.length - 1; k++) { await page.keyboard.press('Tab'); order.push(await page.evaluate(() => document.activeElement.id)); }
  assert.deepEqual(order, ids.slice(1));
  await page.keyboard.press('Enter');
  await undoCount(page, 1);
  await page.locator('#replace-count', { hasText: 'No cell would change.' }).waitFor();
  assert.equal(await cell(page, 6, 0).textContent(), 'Person7@Company7.com');
  // Replace is disabled now; the keyboard is back on what to find, not at the page's top.
  await page.waitForFunction(() => document.activeElement.id === 'replace-find');
  await page.getByRole('button', { name: /^Undo/ }).click();
  await undoCount(page, 0);
  await page.locator('#replace-count', { hasText: '500 cells would change.' }).waitFor();
  assert.equal(await cell(page, 6, 0).textContent(), 'Person7@Company7.COM');
  // Whole cell only: no email is exactly ".COM".
  await page.getByLabel('Whole cell only').check();
  await page.locator('#replace-count', { hasText: 'No cell would change.' }).waitFor();
  assert.equal(await page.locator('#replace-btn').isDisabled(), true);
  // The rows' toolbar: with a cell of row 1 focused, Tab from "Show rows" reaches "Exclude row"
  // after the toolbar's other buttons that are on (Redo, after the undo above).
  await cell(page, 0, 0).focus();
  await page.waitForFunction(() => !document.getElementById('exclude-btn').disabled);
  await page.getByLabel('Show rows').focus();
  const path = [];
  while (path[path.length - 1] !== 'exclude-btn' && path.length < 4) { await page.keyboard.press('Tab'); path.push(await page.evaluate(() => document.activeElement.id)); }
  assert.deepEqual(path, ['redo-btn', 'exclude-btn']);
  assert.equal(await page.locator('#exclude-btn').getAttribute('aria-label'), 'Exclude row 1: kept, marked and not sent');
  await page.context().close();
});

// Exclusions are remembered with the edits, by the file's content, and offered back after a reload.
test('excluded rows come back for the same file after a reload', async () => {
  const csv = 'Email,First Name\nbroken,Ada\nbob@example.com,Bob\ncy@example.com,Cy\n';
  const page = await pasted(csv, 3);
  await cell(page, 1, 0).focus();
  await page.locator('#exclude-btn').click();
  await statIs(page, 'Excluded by you', '1');
  assert.equal(await stat(page, 'Valid').textContent(), '1');
  // Stored (saving is debounced): asked again until the record holds the row.
  const stored = () => page.evaluate(() => new Promise((resolve) => {
    const req = indexedDB.open('prospect-enricher');
    req.onsuccess = () => {
      try {
        const all = req.result.transaction('files', 'readonly').objectStore('files').getAll();
        all.onsuccess = () => { resolve(JSON.stringify(all.result.map((r) => r.excluded))); req.result.close(); };
        all.onerror = () => { resolve(''); req.result.close(); };
      } catch (e) { resolve(''); req.result.close(); }
    };
    req.onerror = () => resolve('');
  }));
  for (const end = Date.now() + 30000; (await stored()) !== '[[1]]';) {
    assert.ok(Date.now() < end, 'the page stores the excluded row');
    await page.waitForTimeout(50);
  }
  await page.reload();
  await h.started(page);
  await page.getByLabel('Prospects CSV').fill(csv);
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.locator('#saved-edits').waitFor();
  assert.match(await page.locator('#saved-edits').textContent(), /before: 1 excluded row, last on /);
  await page.getByRole('button', { name: 'Apply them' }).click();
  await page.locator('#read-status', { hasText: /^1 row excluded again\. Undo takes them back\.$/ }).waitFor();
  assert.equal(await stat(page, 'Excluded by you').textContent(), '1');
  assert.equal(await stat(page, 'Valid').textContent(), '1');
  await page.context().close();
});

test('values the checks leave out, cleared on 20,000 rows: counted before, made at once, undone exactly', async () => {
  // Every 150th row from the 3rd has a company page as LinkedIn (134), every 160th from the 5th a
  // social page as website (125): never both.
  const lines = ['Email,LinkedIn,Website'];
  for (let i = 1; i <= ROWS; i++) {
    lines.push(['p' + i + '@company' + (i % 400) + '.com', i % 150 === 3 ? 'https://www.linkedin.com/company/c' + i : 'https://www.linkedin.com/in/p' + i,
      i % 160 === 5 ? 'facebook.com/c' + i : 'company' + (i % 400) + '.com'].join(','));
  }
  const page = await h.openPage(browser, h.FILE_URL);
  await h.started(page);
  await page.getByLabel('Upload CSV or Excel file').setInputFiles({ name: 'pages.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n') + '\n') });
  await page.locator('#read-status', { hasText: /^Read 20,000 rows/ }).waitFor();
  await page.locator('#fixes li').nth(1).waitFor();
  const offered = await fixes(page);
  assert.deepEqual(offered, [
    'Clear 134 LinkedIn values that are not a person\'s profile (company pages, Sales Navigator links…): they are left out of the requests anyway.',
    'Clear 125 website values that are not a company\'s site (social pages, IP addresses…): they are left out of the requests anyway.',
  ]);
  const before = await summaryText(page);
  assert.equal(await stat(page, 'Rows with warnings').textContent(), '259');

  await page.getByRole('button', { name: /^Clear them: Clear 134 LinkedIn/ }).click();
  await undoCount(page, 1);
  // The button went with its fix: the keyboard is on the next fix's button, not the page's top.
  await page.waitForFunction(() => /^Clear them: Clear 125 website/.test(document.activeElement.getAttribute('aria-label') || ''));
  const groups = () => page.locator('#problems li').evaluateAll((lis) => lis.map((li) => li.firstChild.textContent + li.childNodes[1].textContent));
  // Those rows are now warned that they lack a LinkedIn profile (enrichment signals) instead.
  await page.waitForFunction(() => !/linkedin_url:/.test(document.getElementById('problems').textContent));
  assert.deepEqual((await groups()).map((g) => g.replace(/:.*/, '')), ['134 rows', '125 rows · company_website']);
  assert.equal(await cell(page, 2, 1).textContent(), '');
  assert.equal(await cell(page, 1, 1).textContent(), 'https://www.linkedin.com/in/p2');
  await page.getByRole('button', { name: /^Clear them: Clear 125 website/ }).click();
  await undoCount(page, 2);
  // The websites emptied can now be filled from the emails' company domains: the next fix offered.
  await page.waitForFunction(() => /^Fill 125 empty company websites/.test(document.querySelector('#fixes li') ? document.querySelector('#fixes li').textContent : ''));
  await page.waitForFunction(() => !/company_website:/.test(document.getElementById('problems').textContent));
  await statIs(page, 'Rows with warnings', '134');
  assert.equal(await cell(page, 4, 2).textContent(), '');

  await page.getByRole('button', { name: /^Undo/ }).click();
  await undoCount(page, 1);
  await page.waitForFunction(() => /company_website:/.test(document.getElementById('problems').textContent));
  await page.getByRole('button', { name: /^Undo/ }).click();
  await undoCount(page, 0);
  await page.waitForFunction(() => document.querySelectorAll('#fixes li').length === 2);
  assert.deepEqual(await fixes(page), offered);
  assert.equal(await summaryText(page), before);
  assert.equal(await cell(page, 2, 1).textContent(), 'https://www.linkedin.com/company/c3');
  assert.equal(await cell(page, 4, 2).textContent(), 'facebook.com/c5');
  assert.equal(await page.locator('.grid-row .cell.edited').count(), 0);
  await page.context().close();
});
