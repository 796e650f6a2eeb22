// Unit tests (no browser) of how the page's scripts fit together: the page's classic scripts load
// in index.html's order (each uses at load only what the ones above it define), every name of the
// protocol they use exists, and the worker (web/worker.js, with a stand-in for the wasm module)
// answers exactly the protocol's requests and sends the module's constants in one object.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const ROOT = path.resolve(__dirname, '..', '..');
const WEB = path.join(ROOT, 'web');
const protocol = require(path.join(WEB, 'js', 'protocol.js'));
const policy = require(path.join(WEB, 'js', 'policy.js'));

// What the worker posted, as plain data (its objects come from another realm).
const plain = (v) => JSON.parse(JSON.stringify(v));
// A DOM element that takes any property and any call: enough for a script's start-up.
function anything() {
  const f = function () { return anything(); };
  return new Proxy(f, {
    get: (t, k) => (k === Symbol.toPrimitive ? () => '' : k === 'then' ? undefined : anything()),
    set: () => true,
  });
}
function storage() {
  const m = new Map();
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), removeItem: (k) => m.delete(k) };
}
const pageScripts = () => [...fs.readFileSync(path.join(WEB, 'index.html'), 'utf8').matchAll(/<script src="js\/([^"]+)"><\/script>/g)].map((m) => m[1]);

test('the page\'s scripts start in index.html\'s order from a bare page; each defines its part of PE', () => {
  const scripts = pageScripts();
  assert.deepEqual([...scripts].sort(), fs.readdirSync(path.join(WEB, 'js')).sort(), 'index.html loads every file of web/js/, once');
  assert.equal(scripts[scripts.length - 1], 'app.js');
  const started = [];
  const window = {
    PE: { workerSource: '', sampleCsv: '' },
    location: { protocol: 'file:', origin: 'null', search: '' },
    document: anything(),
    localStorage: storage(), sessionStorage: storage(),
    Worker: class { constructor(url) { started.push(url); } postMessage() {} terminate() {} },
    addEventListener() {}, URL, Blob, URLSearchParams, Promise, Date, Math, JSON,
  };
  window.self = window.window = window;
  const ctx = vm.createContext(window);
  const defined = [];
  for (const name of scripts) {
    const before = new Set(Object.keys(window.PE));
    assert.doesNotThrow(() => vm.runInContext(fs.readFileSync(path.join(WEB, 'js', name), 'utf8'), ctx, { filename: name }), name);
    defined.push([name, Object.keys(window.PE).filter((k) => !before.has(k))]);
  }
  for (const [name, keys] of defined) {
    if (name === 'exports.js' || name === 'app.js') assert.deepEqual(keys, [], name + ' only wires');
    else assert.deepEqual(keys, [name.replace(/\.js$/, '')], name + ' defines PE.' + name.replace(/\.js$/, ''));
  }
  assert.equal(started.length, 1, 'app.js starts one worker');
});

test('the page and the worker use only names the protocol declares, and never a request as a string', () => {
  const files = fs.readdirSync(path.join(WEB, 'js')).map((f) => path.join(WEB, 'js', f)).concat(path.join(WEB, 'worker.js'));
  for (const file of files) {
    const src = fs.readFileSync(file, 'utf8');
    for (const [, table, name] of src.matchAll(/\b(REQUEST|MESSAGE|EVENT|STOP|STATE)\.([A-Za-z_]+)/g)) {
      assert.ok(Object.prototype.hasOwnProperty.call(protocol[table], name), path.basename(file) + ': ' + table + '.' + name + ' is not in web/js/protocol.js');
    }
    assert.doesNotMatch(src, /\bcall\(\s*['"`]/, path.basename(file) + ' names a request by a string');
    assert.doesNotMatch(src, /(state|kind|type)\s*(===|!==|:)\s*'(waiting|sending|sent|partial|failed|unconfirmed|not_sent|batch|retry|finished|ready|event)'/,
      path.basename(file) + ' spells a state, event or message by a string');
  }
});

// web/worker.js after the protocol and the policy, as scripts/bundle_web.js puts them, with
// createEnricher standing in for the module: {posted, ctx, ask}. ask(type, fields) sends a request
// and resolves with what the worker posted in answer.
function loadWorker(createEnricher) {
  const posted = [];
  const ctx = { createEnricher, postMessage: (m) => posted.push(m), location: { origin: 'null' },
    setTimeout, clearTimeout, Promise, JSON, Math, Date, Error, WebAssembly, RangeError, Object, Array, Number, String, Uint8Array, Set };
  ctx.self = ctx;
  vm.createContext(ctx);
  for (const f of ['js/protocol.js', 'js/policy.js', 'worker.js']) vm.runInContext(fs.readFileSync(path.join(WEB, f), 'utf8'), ctx, { filename: f });
  const ask = async (type, fields) => {
    const n = posted.length;
    await ctx.onmessage({ data: Object.assign({ id: 7, type }, fields) });
    return plain(posted.slice(n));
  };
  return { posted, ctx, ask };
}
// A worker whose stand-in module has started.
async function startWorker() {
  class Session {
    load() { return '{"ok":true}'; }
    problems() { return '[]'; }
  }
  const w = loadWorker(() => Promise.resolve({ queuePath: '/queue/path', statusQueryPath: '/status/path', Session }));
  await vm.runInContext('ready', w.ctx);
  return w;
}

test('the worker answers exactly the protocol\'s requests, keyed by its table, and refuses any other in words', async () => {
  const { ctx, ask } = await startWorker();
  const handled = plain(vm.runInContext('Object.keys(handlers)', ctx));
  assert.deepEqual([...handled].sort(), Object.values(protocol.REQUEST).sort());
  assert.deepEqual(await ask(protocol.REQUEST.problems), [{ id: 7, ok: true, result: [] }]);
  for (const type of ['batchRows', 'toString', undefined]) {
    const [reply] = await ask(type);
    assert.equal(reply.ok, false, String(type));
    assert.match(reply.error, /^The page asked the validation engine for something it does not know \(“.*”\)\. Reload the page\.$/);
  }
});

test('the worker sends the module\'s constants in one object once its module has started', async () => {
  const posted = plain((await startWorker()).posted);
  const ready = posted.filter((m) => m.type === protocol.MESSAGE.ready);
  assert.equal(ready.length, 1);
  const c = ready[0].constants;
  assert.deepEqual(Object.keys(c).sort(), ['creditsPerProspect', 'defaultBaseUrl', 'defaultBatchSize', 'maxBatchSize', 'queuePath', 'statusPath']);
  assert.equal(c.queuePath, '/queue/path', 'the module\'s path');
  assert.equal(c.statusPath, '/status/path', 'the module\'s path');
  assert.equal(c.creditsPerProspect, 1.5);
  assert.ok(c.defaultBatchSize >= 1 && c.defaultBatchSize <= c.maxBatchSize);
  assert.equal(policy.checkBaseUrl(c.defaultBaseUrl, null).ok, true, 'the default endpoint is one the key may be sent to');
});

test('a worker whose module cannot start says so at once, and to each request', async () => {
  const { posted, ask } = loadWorker(() => Promise.reject(new Error('WebAssembly is off')));
  const reply = await ask(protocol.REQUEST.load);
  const said = 'The validation engine could not start in this browser (WebAssembly is off). Reload the page; if it keeps failing, use a current Chrome, Edge or Firefox.';
  assert.deepEqual(reply, [{ type: protocol.MESSAGE.startFailed, error: said }, { id: 7, ok: false, startFailed: true, error: said }]);
  assert.equal(posted.length, 2);
});
