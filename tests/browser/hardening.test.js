// The page under hostile or broken conditions: a link with shell syntax in ?api=, damaged storage,
// a key with an invisible character, failures inside a run and inside the wasm module, and two tabs
// sending the same rows. Failures are injected from the test only (through the page's Worker
// messages, or by replacing a function inside the worker with Playwright's worker.evaluate); the
// page has no test-only code path.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const QUEUE_PATH = '/rest/v2/lead_finder/prospects/enrichments';
const CSV = 'Email,First Name\nerlich@bachmanity.com,Erlich\njared@piedpiper.com,Jared\nrichard@piedpiper.com,Richard\n' +
  'dinesh@piedpiper.com,Dinesh\ngavin@hooli.com,Gavin\nmonica@raviga.com,Monica\nnelson@hooli.com,Nelson\n';

let browser;
test.before(async () => { browser = await h.launch(); });
test.after(async () => { if (browser) await browser.close(); });

const alert = (page) => page.getByRole('alert');
const stat = (page, name) => page.locator('#summary .stat').filter({ has: page.locator('dt', { hasText: new RegExp('^' + name + '$') }) }).locator('dd');
const queuePosts = async (sandbox) => (await sandbox.requests()).filter((r) => r.method === 'POST' && r.path === QUEUE_PATH);
const pageErrors = (page) => page.consoleLines.filter((l) => /^pageerror/.test(l));

async function prepare(page, { key = h.SANDBOX_KEY, batchSize = 2, csv = CSV, valid = 7 } = {}) {
  if (key != null) await page.getByLabel('API key').fill(key);
  await page.getByLabel('Batch size').fill(String(batchSize));
  await page.getByLabel('Prospects CSV').fill(csv);
  await page.getByRole('button', { name: 'Validate' }).click();
  await stat(page, 'Valid').getByText(String(valid), { exact: true }).waitFor();
}
async function queueAll(page, n = 7) {
  await page.getByRole('button', { name: 'Queue ' + n + ' prospects' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Queue now' }).click();
}
async function finished(page) {
  const p = page.locator('#progress-text').filter({ hasText: /^Finished:/ });
  await p.waitFor();
  return p.textContent();
}
const states = (page) => page.$$eval('#batches tr', (trs) => trs.map((tr) => tr.querySelectorAll('td')[2].textContent));
const results = (page) => page.$$eval('#batches tr', (trs) => trs.map((tr) => tr.querySelectorAll('td')[3].textContent));

// Waits until fn() is true: every wait in these tests is on a condition, with a generous overall
// limit (the machine may be loaded), never a fixed pause.
async function poll(fn, what = 'condition', timeoutMs = 60000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The page's worker once its module has started (M is the module object inside worker.js); not the
// file reader it starts (a worker too), nor `except`.
async function engine(page, except) {
  let w;
  await poll(async () => {
    for (const x of page.workers()) {
      if (x !== except && await x.evaluate(() => typeof M === 'object' && M !== null).catch(() => false)) { w = x; return true; }
    }
    return false;
  }, 'the worker\'s module');
  return w;
}
// Changes what the page posts to its worker, before the worker sees it (the way a message that
// skips the page's own checks would look).
async function rewriteWorkerMessages(page, type, field, value) {
  await page.evaluate(([t, f, v]) => {
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (msg, transfer) {
      if (msg && msg.type === t) msg = Object.assign({}, msg, { [f]: typeof v === 'string' && v.startsWith('+') ? msg[f] + v.slice(1) : v });
      return post.call(this, msg, transfer);
    };
  }, [type, field, value]);
}

async function withSandbox(args, fn) {
  const sandbox = await h.startSandbox(args || []);
  let page = null;
  try {
    page = await h.openPage(browser, h.FILE_URL + '?api=' + encodeURIComponent(sandbox.url));
    await fn({ sandbox, page });
  } finally {
    if (page) await page.context().close();
    await sandbox.stop();
  }
}

// ------------------------------------------------------------------------------ 1. ?api= and curl
test('a ?api= link with shell syntax is refused with a visible message; the curl command quotes every value', async () => {
  const hostile = 'http://127.0.0.1:8090/x" ; touch /tmp/PWNED ; echo "';
  const page = await h.openPage(browser, h.FILE_URL + '?api=' + encodeURIComponent(hostile));
  await alert(page).filter({ hasText: 'This link asked the page to use the API at “' + hostile + '”, which it refuses: Character 24 of the API base URL is the character “"”' }).waitFor();
  assert.match(await alert(page).textContent(), /The endpoint stays at https:\/\/api\.woodpecker\.co\./);
  assert.equal(await page.getByLabel('API base URL').inputValue(), 'https://api.woodpecker.co');
  await page.getByLabel('Prospects CSV').fill('email\na@example.com\n');
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.waitForFunction(() => document.getElementById('batch-curl').value.startsWith('curl '));
  const curl = await page.getByLabel(/Equivalent curl command/).inputValue();
  assert.equal(curl, "curl --request POST \\\n  --url 'https://api.woodpecker.co/rest/v2/lead_finder/prospects/enrichments' \\\n" +
    '  --header "x-api-key: $WOODPECKER_API_KEY" \\\n' + "  --header 'Content-Type: application/json' \\\n" +
    "  --data '{\"prospects\":[{\"email\":\"a@example.com\"}]}'");
  // Typed into Settings: refused at once, kept out of the curl command, and nothing is sent.
  await page.getByLabel('API base URL').fill("http://127.0.0.1:8090/x'$(id)'");
  await page.getByLabel('API base URL').dispatchEvent('change');
  await page.locator('#base-hint', { hasText: /Character 24 of the API base URL is the character “'”/ }).waitFor();
  await page.waitForFunction(() => document.getElementById('batch-curl').value.startsWith('No curl command: the API base URL in Settings is refused.'));
  await page.getByLabel('API key').fill('secret-key-123');
  await page.getByRole('button', { name: 'Queue 1 prospect' }).click();
  await alert(page).filter({ hasText: /^The API base URL in Settings \(“http:\/\/127\.0\.0\.1:8090\/x'\$\(id\)'”\) is refused, so nothing was sent: / }).waitFor();
  assert.equal(await page.getByRole('dialog').isVisible(), false);
  // A loopback URL without a port, and another host, are refused too; a plain sandbox URL is taken.
  for (const [url, why] of [['http://127.0.0.1/', /needs its port/], ['https://evil.example/x', /does not send the API key to https:\/\/evil\.example/]]) {
    await page.goto(h.FILE_URL + '?api=' + encodeURIComponent(url));
    await alert(page).filter({ hasText: why }).waitFor();
    assert.equal(await page.getByLabel('API base URL').inputValue(), 'https://api.woodpecker.co');
  }
  await page.goto(h.FILE_URL + '?api=' + encodeURIComponent('http://127.0.0.1:9/sandbox/'));
  await h.started(page);
  assert.equal(await page.getByLabel('API base URL').inputValue(), 'http://127.0.0.1:9/sandbox');
  assert.equal(await alert(page).isVisible(), false);
  assert.deepEqual(pageErrors(page), []);
  await page.context().close();
});

// ------------------------------------------------------------------------------ 2. damaged storage
test('a damaged ledger or history does not brick the page: it says what was dropped, and every button works', async () => {
  const LEDGER = 'pe.ledger.v2', HISTORY = 'pe.history.v1';
  const cases = [
    [LEDGER, '{"runs":null}', /the record of earlier runs \(it was not in the form this page writes\)/],
    [LEDGER, '{"runs":{}}', /the record of earlier runs/],
    [LEDGER, '[]', /the record of earlier runs/],
    [LEDGER, '{"runs":[{}]}', /1 earlier run of 1 \(missing or wrong details\)/],
    [LEDGER, '[null]', /the record of earlier runs/],
    [LEDGER, '{"runs":[{"id":"x","created":"2026-05-01T08:00:00Z","batches":[null]}]}', /1 earlier run of 1/],
    [LEDGER, 'not json', /the record of earlier runs/],
    [HISTORY, '{}', /the history of queued batches \(it was not in the form this page writes\)/],
    [HISTORY, '[{}]', /1 entry of 1 in the history of queued batches/],
    [HISTORY, '[null,{"uuid":"u","created":"2026-05-01T08:00:00Z","queued":"x"}]', /2 entries of 2 in the history/],
  ];
  const page = await h.openPage(browser, h.FILE_URL);
  for (const [key, value, what] of cases) {
    const label = key + ' = ' + value;
    await page.evaluate(([k, v]) => { localStorage.clear(); localStorage.setItem(k, v); }, [key, value]);
    await page.reload();
    const a = alert(page).filter({ hasText: /could not be read .*so it was left out: / });
    await a.waitFor();
    assert.match(await a.textContent(), what, label);
    // Said once: the damaged value was replaced by what could be kept, so a reload is quiet.
    const after = await page.evaluate((k) => localStorage.getItem(k), key);
    assert.ok(after === null || /^(\{"runs":\[\]\}|\[\])$/.test(after), label + ' rewritten: ' + after);
    // The buttons respond: a file validates, the history can be cleared.
    await page.getByRole('button', { name: 'Try the sample file' }).click();
    await stat(page, 'Rows read').getByText('8', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Clear history' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Clear history' }).click();
    await page.locator('#history li', { hasText: 'No batches queued from this browser yet.' }).waitFor();
    await page.reload();
    await page.locator('#history li', { hasText: 'No batches queued from this browser yet.' }).waitFor();
    assert.equal(await alert(page).isVisible(), false, label + ': reported once');
    assert.deepEqual(pageErrors(page), [], label);
  }
  // The runs are kept in IndexedDB (any page of the origin can write there too): a record that does
  // not fit is dropped and said once; the others are kept.
  const good = { id: 'good', created: '2026-05-01T08:00:00Z', baseUrl: 'https://api.woodpecker.co', batches: [{ index: 0, count: 1, state: 'sent', key: 'k1' }] };
  const idbCases = [
    [[{ id: 'x', created: 'not a date', batches: [] }], /1 earlier run of 1 \(missing or wrong details\)/, []],
    [[{ id: 'y', created: '2026-05-01T08:00:00Z', batches: [{ index: 0, count: 1, state: 'nonsense' }] }, good], /1 earlier run of 2/, ['good']],
  ];
  for (const [records, what, kept] of idbCases) {
    const label = 'runs = ' + JSON.stringify(records);
    await page.evaluate(async (rs) => {
      localStorage.clear();
      for (const r of rs) await PE.idb.request('runs', 'readwrite', (s) => s.put(r));
    }, records);
    await page.reload();
    const a = alert(page).filter({ hasText: /could not be read .*so it was left out: / });
    await a.waitFor();
    assert.match(await a.textContent(), what, label);
    assert.deepEqual((await h.ledgerRuns(page)).map((r) => r.id), kept, label);
    await page.reload();
    await h.started(page);
    assert.equal(await alert(page).isVisible(), false, label + ': reported once');
    await page.getByRole('button', { name: 'Clear history' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Clear history' }).click();
    assert.deepEqual(await h.ledgerRuns(page), [], label + ': cleared');
    assert.deepEqual(pageErrors(page), [], label);
  }
  await page.context().close();
});

// A tab of an older page that holds the database (and does not let go when asked) blocks the upgrade
// that adds a store: the new page says so, and what to do, instead of silently keeping nothing.
test('a tab of an older page that blocks the storage upgrade is named, with what to do', async () => {
  const context = await browser.newContext();
  try {
    const old = await context.newPage();
    await old.goto(h.FILE_URL);
    await h.started(old);
    // The older page: its database of one store, held open without letting go on a version change.
    await old.evaluate(() => new Promise((resolve, reject) => {
      const del = indexedDB.deleteDatabase('prospect-enricher');   // this page's own connection lets go
      del.onsuccess = () => {
        const req = indexedDB.open('prospect-enricher', 1);
        req.onupgradeneeded = () => req.result.createObjectStore('files', { keyPath: 'fingerprint' });
        req.onsuccess = () => { window.heldOpen = req.result; resolve(); };
        req.onerror = () => reject(req.error);
      };
      del.onerror = () => reject(del.error);
    }));
    const page = await context.newPage();
    await page.goto(h.FILE_URL);
    const a = alert(page).filter({ hasText: /Another tab of this page, opened before it was updated, holds what this browser keeps for it/ });
    await a.waitFor();
    assert.match(await a.textContent(), /Close or reload the other tabs of this page, then reload this one\./);
    // The page still works: a file validates.
    await page.getByRole('button', { name: 'Try the sample file' }).click();
    await stat(page, 'Rows read').getByText('8', { exact: true }).waitFor();
    // Once the old tab is gone, a reload has its storage again, quietly.
    await old.close();
    await page.reload();
    await h.started(page);
    assert.deepEqual(await h.ledgerRuns(page), []);
    assert.equal(await page.evaluate(() => PE.idb.request('runs', 'readonly', (s) => s.count())), 0);
    assert.equal(await alert(page).isVisible(), false);
  } finally {
    await context.close();
  }
});

test('a base URL read back from storage passes the policy before a request with the key uses it (page and worker)', async () => {
  await withSandbox([], async ({ sandbox, page }) => {
    // A history entry and a run that point at another host, as any local HTML file could write them.
    await page.evaluate(() => {
      localStorage.setItem('pe.history.v1', JSON.stringify([{ uuid: 'u-evil', created: '2026-05-01T08:00:00Z', status: 'ENQUEUED', queued: 1, submitted: 1, baseUrl: 'https://evil.example/api' }]));
    });
    await page.reload();
    await page.getByLabel('API key').fill(h.SANDBOX_KEY);
    await page.getByRole('button', { name: 'Track batch u-evil' }).click();
    await alert(page).filter({ hasText: /^The API base URL stored with this batch \(“https:\/\/evil\.example\/api”\) is refused, so nothing was sent: This page does not send the API key to https:\/\/evil\.example/ }).waitFor();

    // Resending a run: queue with a refused key, then point the stored run elsewhere.
    await prepare(page, { key: 'wrong-key' });
    await queueAll(page);
    await finished(page);
    const runs = await h.ledgerRuns(page);
    await page.evaluate((run) => {
      run.baseUrl = 'http://127.0.0.1:8090/x" ; touch /tmp/PWNED ; echo "';
      return PE.idb.request('runs', 'readwrite', (s) => s.put(run));
    }, runs[runs.length - 1]);
    await page.reload();
    await prepare(page);
    await page.getByRole('button', { name: 'Send 4 failed or unsent batches', exact: true }).click();
    await alert(page).filter({ hasText: /^The API base URL stored with this run \(“http:\/\/127\.0\.0\.1:8090\/x" ; touch \/tmp\/PWNED ; echo "”\) is refused, so nothing was sent/ }).waitFor();
    assert.equal(await page.getByRole('dialog').isVisible(), false);

    // The worker refuses too, whatever the page asks: a status request and a run with a bad base URL.
    await rewriteWorkerMessages(page, 'status', 'baseUrl', 'https://evil.example');
    await page.getByLabel('Batch uuid').fill('00000000-0000-0000-0000-000000000000');
    await page.getByRole('button', { name: 'Check status' }).click();
    await page.locator('#track-result .error', { hasText: /^Nothing was sent: the API base URL “https:\/\/evil\.example” is refused\. This page does not send the API key/ }).waitFor();
    await rewriteWorkerMessages(page, 'send', 'baseUrl', 'https://evil.example');
    await queueAll(page);
    assert.equal(await finished(page), 'Finished: 0 sent, 0 failed, 4 not sent; 0 of 7 prospects queued. The batches not yet sent were not sent.');
    assert.match(await alert(page).textContent(), /^Sending stopped: Nothing was sent: the API base URL “https:\/\/evil\.example” is refused\./);
    assert.equal((await queuePosts(sandbox)).length, 1, 'only the first run\'s refused request reached the sandbox');
    assert.deepEqual(pageErrors(page), []);
  });
});

// ------------------------------------------------------------------------------ 3. the key
test('a key with an invisible character is named when entered, and nothing is sent with it', async () => {
  await withSandbox([], async ({ sandbox, page }) => {
    const key = 'abcdefghijklmnopqrstuvwxyz012345\u200b6789';
    await prepare(page, { key });
    const hint = page.locator('#key-hint');
    await hint.filter({ hasText: 'Character 33 of the API key is an invisible zero-width space (U+200B): delete it and paste the key again.' }).waitFor();
    assert.equal(await page.getByLabel('API key').getAttribute('aria-invalid'), 'true');
    await page.getByRole('button', { name: 'Queue 7 prospects' }).click();
    await alert(page).filter({ hasText: /^Nothing was sent\. Character 33 of the API key is an invisible zero-width space \(U\+200B\)/ }).waitFor();
    assert.equal(await page.getByRole('dialog').isVisible(), false);
    await page.getByLabel('Look up by email').fill('a@example.com');
    await page.getByRole('button', { name: 'Look up', exact: true }).click();
    await alert(page).filter({ hasText: /^Nothing was sent\. Character 33/ }).waitFor();
    assert.deepEqual(await sandbox.requests(), [], 'no request at all');
    // Fixed, the hint goes and the key works.
    await page.getByLabel('API key').fill(h.SANDBOX_KEY);
    await hint.waitFor({ state: 'hidden' });
    assert.equal(await page.getByLabel('API key').getAttribute('aria-invalid'), null);
    await queueAll(page);
    assert.equal(await finished(page), 'Finished: 4 sent, 0 failed, 0 not sent; 7 of 7 prospects queued.');
  });
});

test('an exception inside a run ends the run with a message: unlocked, nothing left unconfirmed when nothing left', async () => {
  await withSandbox([], async ({ sandbox, page }) => {
    await prepare(page);
    // The page's check bypassed: the worker gets the key with a zero-width space after it.
    await rewriteWorkerMessages(page, 'send', 'apiKey', '+\u200b');
    await queueAll(page);
    assert.equal(await finished(page), 'Finished: 0 sent, 0 failed, 4 not sent; 0 of 7 prospects queued. The batches not yet sent were not sent.');
    assert.match(await alert(page).textContent(), /^Sending stopped: Nothing was sent: Character 12 of the API key is an invisible zero-width space \(U\+200B\)/);
    assert.deepEqual(await states(page), ['not sent', 'not sent', 'not sent', 'not sent']);
    assert.equal(await page.getByRole('button', { name: 'Cancel' }).isVisible(), false);
    assert.equal(await page.getByLabel('Batch size').isDisabled(), false, 'the data is unlocked');
    assert.equal((await queuePosts(sandbox)).length, 0);
    await page.reload();
    // The history is read back after the page has loaded: wait for its four batches.
    await poll(async () => (await states(page)).length === 4, 'the batches shown again after the reload');
    assert.deepEqual(await states(page), ['not sent', 'not sent', 'not sent', 'not sent'], 'not "unconfirmed" after a reload');
    assert.deepEqual(pageErrors(page), []);
  });
});

test('a request that cannot be made is "not sent"; a failure after a request left is "unconfirmed"; the run always ends', async () => {
  await withSandbox([], async ({ sandbox, page }) => {
    await prepare(page);
    // 1. The browser refuses to make the request (as setRequestHeader does with such a key).
    let w = await engine(page);
    await w.evaluate(() => {
      const real = M.httpRequestWithBody;
      M.httpRequestWithBody = function () { M.httpRequestWithBody = real; throw new DOMException("Failed to execute 'setRequestHeader' on 'XMLHttpRequest': the value is not a valid header value.", 'SyntaxError'); };
    });
    await queueAll(page);
    assert.match(await finished(page), /^Finished: 0 sent, 0 failed, 4 not sent;/);
    assert.match(await alert(page).textContent(), /^Sending stopped: Failed to execute 'setRequestHeader'/);
    assert.deepEqual(await states(page), ['not sent', 'not sent', 'not sent', 'not sent']);
    assert.match((await results(page))[0], /^Not sent: Failed to execute 'setRequestHeader'/);
    assert.equal((await queuePosts(sandbox)).length, 0);
    // 2. The first request reaches the API, then the page fails reading the answer.
    w = await engine(page);
    await w.evaluate(() => {
      const real = M.decide;
      M.decide = function () { M.decide = real; throw new TypeError('injected failure after the request'); };
    });
    await page.getByRole('button', { name: 'Send 4 failed or unsent batches', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Send now' }).click();
    assert.match(await finished(page), /^Finished: 0 sent, 0 failed, 4 not sent;/);
    assert.deepEqual(await states(page), ['unconfirmed', 'not sent', 'not sent', 'not sent']);
    assert.match((await results(page))[0], /^Its request may have reached the API, but the page failed before it could read the answer \(injected failure after the request\) Look up its emails/);
    assert.equal((await queuePosts(sandbox)).length, 1, 'the first request did leave');
    assert.equal(await page.getByLabel('Batch size').isDisabled(), false);
    // 3. The run can be resent; the unconfirmed batch stays so unless it is sent again.
    await page.getByRole('button', { name: 'Send 4 failed or unsent batches', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Send now' }).click();
    assert.match(await finished(page), /^Finished: 4 sent, 0 failed, 0 not sent; 7 of 7 prospects queued\./);
    assert.deepEqual(pageErrors(page), []);
  });
});

test('each batch\'s body is built just before it is sent, not all before the first request; a body that fails ends the run', async () => {
  await withSandbox([], async ({ sandbox, page }) => {
    await prepare(page);
    // The worker's calls in order during the run: "body N" for each body built (kept in the module),
    // "POST" for each request, "free N" when its batch is settled and the body is let go. The dry
    // run shows a body too (its own call, before the run): it has shown it first.
    await page.waitForFunction(() => document.getElementById('batch-body').value.includes('"prospects"'));
    const w = await engine(page);
    await w.evaluate(() => {
      self.calls = [];
      const body = session.batchRequestBody.bind(session);
      /* global run */
      session.batchRequestBody = (i) => {
        const b = body(i);
        if (!run) return b;
        self.calls.push('body ' + i + ' (' + b.size() + ' bytes)');
        const free = b.delete.bind(b);
        b.delete = () => { self.calls.push('free ' + i); free(); };
        return b;
      };
      const request = M.httpRequestWithBody;
      M.httpRequestWithBody = function (method, ...rest) { self.calls.push(method); return request.call(this, method, ...rest); };
    });
    await queueAll(page);
    assert.match(await finished(page), /^Finished: 4 sent, 0 failed, 0 not sent; 7 of 7 prospects queued\./);
    const calls = await w.evaluate(() => self.calls);
    assert.deepEqual(calls.map((c) => c.replace(/ \(\d+ bytes\)/, '')),
      ['body 0', 'POST', 'free 0', 'body 1', 'POST', 'free 1', 'body 2', 'POST', 'free 2', 'body 3', 'POST', 'free 3']);
    // What the sandbox received is the bodies the module built, byte for byte in size.
    const posted = await queuePosts(sandbox);
    assert.deepEqual(calls.filter((c) => c.startsWith('body')).map((c) => Number(/\((\d+) bytes\)/.exec(c)[1])),
      posted.map((p) => p.body_bytes));
    assert.equal((await queuePosts(sandbox)).length, 4);
  });
  await withSandbox([], async ({ sandbox, page }) => {
    await prepare(page);
    // The third body cannot be built (as when memory runs out): two batches sent, the rest not.
    const w = await engine(page);
    await w.evaluate(() => {
      const body = session.batchRequestBody.bind(session);
      session.batchRequestBody = (i) => { if (i === 2) throw new Error('injected failure building a body'); return body(i); };
    });
    await queueAll(page);
    assert.match(await finished(page), /^Finished: 2 sent, 0 failed, 2 not sent; 4 of 7 prospects queued\./);
    assert.match(await alert(page).textContent(), /^Sending stopped: injected failure building a body/);
    assert.deepEqual(await states(page), ['sent', 'sent', 'not sent', 'not sent']);
    assert.equal((await queuePosts(sandbox)).length, 2);
    assert.equal(await page.getByLabel('Batch size').isDisabled(), false, 'the data is unlocked');
    assert.deepEqual(pageErrors(page), []);
  });
});

// ------------------------------------------------------------------------------ 4. engine failures
test('a C++ exception or an abort in the module reaches the user as words; the worker is replaced and the next file works', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  await page.getByRole('button', { name: 'Try the sample file' }).click();
  await stat(page, 'Rows read').getByText('8', { exact: true }).waitFor();
  const failures = [
    // A C++ exception that crossed into JavaScript: a WebAssembly.Exception (-fwasm-exceptions, as
    // built) or, under -fexceptions, a bare number (its address).
    ['wasm-exception', /^The file could not be read: This file needs more memory than the page can use\. Validate it with the enrich command-line tool \(`enrich validate FILE`\), or split it into smaller files\./],
    ['number', /^The file could not be read: This file needs more memory than the page can use\. Validate it with the enrich command-line tool \(`enrich validate FILE`\), or split it into smaller files\./],
    // An abort of the module (what Emscripten throws when memory runs out).
    ['abort', /^The file could not be read: This file needs more memory than the page can use\./],
    // A trap inside the module while the rows are read.
    ['trap', /The validation engine stopped with an internal error \(memory access out of bounds\) and was restarted\./],
  ];
  let csv = 1;
  for (const [kind, said] of failures) {
    const old = await engine(page);
    await old.evaluate((k) => {
      /* global session */
      if (k === 'wasm-exception') session.load = function () { throw new WebAssembly.Exception(new WebAssembly.Tag({ parameters: ['i32'] }), [42]); };
      if (k === 'number') session.load = function () { throw 2147482880; };
      if (k === 'abort') session.load = function () { throw new WebAssembly.RuntimeError('Aborted(OOM). Build with -s ASSERTIONS=1 for more info.'); };
      if (k === 'trap') session.rows = function () { throw new WebAssembly.RuntimeError('memory access out of bounds'); };
    }, kind);
    await page.getByLabel('Prospects CSV').fill('email\nfile' + (++csv) + '@example.com\n');
    await page.getByRole('button', { name: 'Validate' }).click();
    const a = alert(page).filter({ hasText: said });
    await a.waitFor();
    const text = await a.textContent();
    assert.doesNotMatch(text, /\d{5,}/, 'no number or pointer: ' + text);
    // Nothing of the previous file is shown as current.
    assert.equal(await page.locator('#summary .stat').count(), 0);
    assert.equal(await page.locator('.grid-row').count(), 0);
    assert.equal(await page.locator('#dryrun').isVisible(), false);
    assert.equal(await page.getByLabel('Request body').inputValue(), '');
    // A fresh worker, and the next file works.
    await engine(page, old);
    await page.getByRole('button', { name: 'Validate' }).click();
    await stat(page, 'Rows read').getByText('1', { exact: true }).waitFor();
    await page.locator('.grid-row .cell[data-col="0"]', { hasText: 'file' + csv + '@example.com' }).waitFor();
  }
  assert.deepEqual(pageErrors(page), []);
  await page.context().close();
});
