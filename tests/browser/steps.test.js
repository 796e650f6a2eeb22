// Issue 12: the guided flow. Four steps at the top (Load → Check & fix → Review & queue → Track),
// the current one marked; the page moves on to the check after a load and to the queue from its
// button; the dry run is a disclosure ("See the requests"), closed until asked for; the
// confirmation names the endpoint by its label.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

let browser;
test.before(async () => { browser = await h.launch(); });
test.after(async () => { if (browser) await browser.close(); });

const currentStep = (page) => page.locator('#steps a[aria-current="step"]').textContent();

test('the steps: marked as the user goes, each reached from the keyboard; the requests behind a disclosure; the endpoint named', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  await h.started(page);
  const nav = page.getByRole('navigation', { name: 'Steps' });
  assert.deepEqual(await nav.getByRole('link').allTextContents(), ['1. Load', '2. Check & fix', '3. Review & queue', '4. Track', 'Settings']);
  assert.equal(await currentStep(page), '1. Load');

  // A step that follows the load says so instead of going nowhere.
  await nav.getByRole('link', { name: '3. Review & queue' }).click();
  await page.locator('#live', { hasText: 'Load an export first' }).waitFor();
  assert.equal(await currentStep(page), '1. Load');

  await page.getByLabel('Prospects CSV').fill('email,first_name,last_name,company_website\njared@piedpiper.com,Jared,Dunn,piedpiper.com\nmonica@raviga.com,Monica,Hall,raviga.com\n');
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.locator('#read-status', { hasText: /^Read 2 rows/ }).waitFor();
  await page.waitForFunction(() => document.querySelector('#steps a[aria-current="step"]').textContent === '2. Check & fix');
  // Moved to the check: its heading is in view.
  await page.waitForFunction(() => { const r = document.getElementById('summary-h').getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; });

  // The dry run is closed: its controls are not in the way, and open from the keyboard.
  assert.equal(await page.locator('#dryrun-details').evaluate((d) => d.open), false);
  assert.equal(await page.getByRole('button', { name: 'Copy body' }).count(), 0);
  await page.locator('#dryrun-details > summary').focus();
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Copy body' }).waitFor();
  await page.waitForFunction(() => document.getElementById('batch-body').value.includes('jared@piedpiper.com'));

  // On to the queue, by keyboard.
  await page.getByRole('button', { name: 'Next: review and queue' }).focus();
  await page.keyboard.press('Enter');
  assert.equal(await currentStep(page), '3. Review & queue');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'queue-h');

  // The confirmation names the endpoint by its label; Back sends nothing.
  await page.getByLabel('API endpoint').selectOption({ label: 'Woodpecker API, direct' });
  await page.getByLabel('API key', { exact: true }).fill('k-123');
  await page.getByRole('button', { name: 'Queue 2 prospects' }).click();
  const dialog = page.locator('#confirm');
  await dialog.waitFor();
  assert.match(await page.locator('#confirm-text').textContent(), /^Queue 2 prospects in 1 batch to the Woodpecker API \(https:\/\/api\.woodpecker\.co\)\?/);
  await page.getByRole('button', { name: 'Back' }).click();
  await dialog.waitFor({ state: 'hidden' });

  // The step links go to their sections.
  await nav.getByRole('link', { name: '2. Check & fix' }).click();
  assert.equal(await currentStep(page), '2. Check & fix');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'summary-h');
  await page.close();
});

// 20,000 rows, 590 of them with a problem: 200 emails without an @, 150 duplicates of earlier
// emails, 120 LinkedIn company pages, 120 social pages as the company website.
function messyExport() {
  const lines = ['Email,First Name,Last Name,Company,Website,LinkedIn'];
  for (let i = 1; i <= 20000; i++) {
    let email = 'person' + i + '@company' + (i % 700) + '.com';
    let website = 'company' + (i % 700) + '.com', linkedin = 'https://www.linkedin.com/in/person-' + i;
    if (i % 100 === 1) email = 'person' + i + '.company.com';                          // 200 invalid
    else if (i % 100 === 2 && i > 100 && i <= 15100) email = 'person' + (i - 2) + '@company' + ((i - 2) % 700) + '.com'; // 150 duplicates
    else if (i % 100 === 3 && i <= 12000) linkedin = 'https://www.linkedin.com/company/company' + (i % 700); // 120 company pages
    else if (i % 100 === 4 && i <= 12000) website = 'https://www.facebook.com/company' + (i % 700);       // 120 social pages
    lines.push([email, 'First' + i, 'Last' + i, 'Company ' + (i % 700), website, linkedin].join(','));
  }
  return lines.join('\n') + '\n';
}

test('a 20,000-row export with 590 problem rows is ready to queue in 7 actions', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  await h.started(page);
  let actions = 0;
  const act = async (what) => { actions++; await what(); };
  const started = Date.now();
  await act(() => page.getByLabel('Upload CSV or Excel file').setInputFiles({ name: 'messy.csv', mimeType: 'text/csv', buffer: Buffer.from(messyExport()) }));
  await page.locator('#read-status', { hasText: /^Read 20,000 rows/ }).waitFor();
  const stat = (label) => page.locator('#summary .stat', { hasText: new RegExp('^' + label) }).locator('dd');
  assert.equal(await stat('Invalid').textContent(), '200');
  assert.equal(await stat('Duplicates').textContent(), '150');
  assert.equal(await stat('Rows with warnings').textContent(), '240');
  await page.locator('#fixes li', { hasText: /^Clear 120 LinkedIn values/ }).waitFor();

  await act(() => page.locator('#fixes li', { hasText: /^Clear 120 LinkedIn values/ }).getByRole('button', { name: 'Clear them' }).click());
  await page.locator('#summary .stat', { hasText: /^Rows with warnings/ }).locator('dd', { hasText: /^120$/ }).waitFor();
  await act(() => page.locator('#fixes li', { hasText: /^Clear 120 website values/ }).getByRole('button', { name: 'Clear them' }).click());
  await page.locator('#summary .stat', { hasText: /^Rows with warnings/ }).locator('dd', { hasText: /^0$/ }).waitFor();
  await act(() => page.locator('#fixes li', { hasText: /^Exclude 350 rows that cannot be sent/ }).getByRole('button', { name: 'Exclude them' }).click());
  await page.locator('#summary .stat', { hasText: /^Excluded by you/ }).locator('dd', { hasText: /^350$/ }).waitFor();
  assert.equal(await stat('Valid').textContent(), '19,650');

  await act(() => page.getByRole('button', { name: 'Next: review and queue' }).click());
  assert.equal(await currentStep(page), '3. Review & queue');
  await act(() => page.getByLabel('API key', { exact: true }).fill('k-123'));
  await act(() => page.getByRole('button', { name: 'Queue 19,650 prospects' }).click());
  await page.locator('#confirm').waitFor();
  assert.match(await page.locator('#confirm-text').textContent(), /^Queue 19,650 prospects in 393 batches to .* 350 rows you excluded are left out too\./);
  assert.equal(actions, 7);
  console.log('# ready to queue: ' + actions + ' actions, ' + ((Date.now() - started) / 1000).toFixed(1) + ' s of page time (no reading or typing time)');
  await page.close();
});
