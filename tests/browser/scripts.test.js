// Unit tests (no browser) of how the page's scripts fit together: the page's classic scripts load
// in index.html's order, after the generated js/constants.js (each uses at load only what the ones
// above it define); the protocol's batch states and outcomes are the core's (PE.constants), and no
// script spells one by a string; every name of the protocol they use exists; and the worker
// (web/worker.js, with a stand-in for the wasm module) answers exactly the protocol's requests.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const ROOT = path.resolve(__dirname, '..', '..');
const WEB = path.join(ROOT, 'web');
const { FILE: CONSTANTS_FILE, constants } = require('./page_constants.js');   // PE.constants first, as the page loads them
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
const scriptTags = () => [...fs.readFileSync(path.join(WEB, 'index.html'), 'utf8').matchAll(/<script src="([^"]+)"><\/script>/g)].map((m) => m[1]);
const pageScripts = () => scriptTags().filter((s) => s.startsWith('js/')).map((s) => s.slice(3));
// Where a script of the page is: the generated constants.js in build/web/js, the others in web/js.
const scriptFile = (name) => (name === 'constants.js' ? CONSTANTS_FILE : path.join(WEB, 'js', name));

test('the page\'s scripts start in index.html\'s order from a bare page; each defines its part of PE', () => {
  assert.equal(scriptTags()[0], 'js/constants.js', 'the core\'s constants are loaded first');
  const scripts = pageScripts();
  assert.deepEqual([...scripts].sort(), fs.readdirSync(path.join(WEB, 'js')).concat('constants.js').sort(),
    'index.html loads every file of web/js/ and the generated constants.js, once');
  assert.ok(!fs.existsSync(path.join(WEB, 'js', 'constants.js')), 'constants.js is generated, not a file of web/js/');
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
    assert.doesNotThrow(() => vm.runInContext(fs.readFileSync(scriptFile(name), 'utf8'), ctx, { filename: name }), name);
    defined.push([name, Object.keys(window.PE).filter((k) => !before.has(k))]);
  }
  for (const [name, keys] of defined) {
    if (name === 'exports.js' || name === 'app.js') assert.deepEqual(keys, [], name + ' only wires');
    else assert.deepEqual(keys, [name.replace(/\.js$/, '')], name + ' defines PE.' + name.replace(/\.js$/, ''));
  }
  assert.equal(started.length, 1, 'app.js starts one worker');
});

const sourceFiles = () => fs.readdirSync(path.join(WEB, 'js')).map((f) => path.join(WEB, 'js', f)).concat(path.join(WEB, 'worker.js'));

test('the page and the worker use only names the protocol declares, and never a request as a string', () => {
  for (const file of sourceFiles()) {
    const src = fs.readFileSync(file, 'utf8');
    for (const [, table, name] of src.matchAll(/\b(REQUEST|MESSAGE|EVENT|STOP|STATE|OUTCOME)\.([A-Za-z_]+)/g)) {
      assert.ok(Object.prototype.hasOwnProperty.call(protocol[table], name), path.basename(file) + ': ' + table + '.' + name + ' is not in web/js/protocol.js');
    }
    assert.doesNotMatch(src, /\bcall\(\s*['"`]/, path.basename(file) + ' names a request by a string');
    assert.doesNotMatch(src, /\b(state|kind|outcome)\s*(===|!==|:)\s*['"`]|\btype\s*(===|!==)\s*['"`]/,
      path.basename(file) + ' compares a state, event, message or outcome with a string');
  }
});

// The string literals of a script (their text, escapes left as written), skipping comments and
// regular expression literals.
function stringLiterals(src) {
  const out = [];
  let i = 0, prev = '';   // prev: the last significant character of code (decides whether / starts a regex)
  while (i < src.length) {
    const c = src[i];
    if (c === '/' && src[i + 1] === '/') { i = src.indexOf('\n', i); if (i < 0) break; continue; }
    if (c === '/' && src[i + 1] === '*') { i = src.indexOf('*/', i) + 2; continue; }
    if (c === '\'' || c === '"' || c === '`') {
      let j = i + 1, text = '';
      while (j < src.length && src[j] !== c) { if (src[j] === '\\') { text += src[j]; j++; } text += src[j]; j++; }
      out.push(text);
      i = j + 1; prev = c; continue;
    }
    if (c === '/' && (prev === '' || '(,=:[!&|?{};+'.includes(prev))) {
      let j = i + 1, cls = false;
      while (j < src.length && (cls || src[j] !== '/')) { if (src[j] === '\\') j++; else if (src[j] === '[') cls = true; else if (src[j] === ']') cls = false; j++; }
      i = j + 1; prev = '/'; continue;
    }
    if (!/\s/.test(c)) prev = c;
    i++;
  }
  return out;
}

test('the batch states and decide()\'s outcomes are the core\'s: protocol.js derives its tables from PE.constants', () => {
  // The build's constants: the tables hold exactly the core's states, words, flags and outcomes.
  const states = constants.batch_states;
  assert.ok(states.length > 0);
  assert.deepEqual(Object.keys(protocol.STATE), states.map((s) => s.name));
  assert.deepEqual(Object.values(protocol.STATE), states.map((s) => s.name));
  assert.deepEqual(protocol.STATE_TEXT, Object.fromEntries(states.map((s) => [s.name, s.words])));
  assert.deepEqual(protocol.RESENDABLE, states.filter((s) => s.resendable).map((s) => s.name));
  assert.deepEqual(protocol.IN_FLIGHT, states.filter((s) => !s.final).map((s) => s.name));
  assert.deepEqual(Object.keys(protocol.OUTCOME), constants.decision_outcomes);
  // Other constants give other tables: nothing of them is spelled in protocol.js.
  const other = { batch_states: [{ name: 'alpha', words: 'first words', final: false, resendable: false },
    { name: 'beta', words: 'second words', final: true, resendable: true }], decision_outcomes: ['go', 'stop'] };
  const ctx = vm.createContext({ PE: { constants: other } });
  ctx.self = ctx;
  vm.runInContext(fs.readFileSync(path.join(WEB, 'js', 'protocol.js'), 'utf8'), ctx, { filename: 'protocol.js' });
  const p = plain(vm.runInContext('PE.protocol', ctx));
  assert.deepEqual(p.STATE, { alpha: 'alpha', beta: 'beta' });
  assert.deepEqual(p.STATE_TEXT, { alpha: 'first words', beta: 'second words' });
  assert.deepEqual([p.RESENDABLE, p.IN_FLIGHT], [['beta'], ['alpha']]);
  assert.deepEqual(p.OUTCOME, { go: 'go', stop: 'stop' });
  // Without the constants, protocol.js says what is missing instead of making up tables.
  const bare = vm.createContext({});
  bare.self = bare;
  assert.throws(() => vm.runInContext(fs.readFileSync(path.join(WEB, 'js', 'protocol.js'), 'utf8'), bare), /needs PE\.constants/);
});

test('no script of the page or the worker spells a batch state (its name or its words) or an outcome of decide()', () => {
  // The protocol's own names (REQUEST, MESSAGE, EVENT, STOP) are spelled in protocol.js; EVENT.retry
  // is also the name of an outcome, so outcomes are checked where they are compared (above).
  const own = new Set([protocol.REQUEST, protocol.MESSAGE, protocol.EVENT, protocol.STOP].flatMap((t) => Object.values(t)));
  const core = new Set(constants.batch_states.flatMap((s) => [s.name, s.words]).concat(constants.decision_outcomes));
  const spelled = [];
  for (const file of sourceFiles()) {
    for (const text of stringLiterals(fs.readFileSync(file, 'utf8'))) {
      if (core.has(text) && !own.has(text)) spelled.push(path.basename(file) + ': \'' + text + '\'');
    }
  }
  assert.deepEqual(spelled, [], 'use PE.protocol (STATE, STATE_TEXT, OUTCOME) instead');
  // The check sees what it looks for.
  assert.deepEqual(stringLiterals("// 'sent'\nconst a = /'x'/, b = 'partly queued', c = \"not_sent\"; /* 'failed' */"), ['partly queued', 'not_sent']);
});

// web/worker.js after the constants, the protocol and the policy, as scripts/bundle_web.js puts them, with
// createEnricher standing in for the module: {posted, ctx, ask}. ask(type, fields) sends a request
// and resolves with what the worker posted in answer.
function loadWorker(createEnricher) {
  const posted = [];
  const ctx = { createEnricher, postMessage: (m) => posted.push(m), location: { origin: 'null' },
    setTimeout, clearTimeout, Promise, JSON, Math, Date, Error, WebAssembly, RangeError, Object, Array, Number, String, Uint8Array, Set };
  ctx.self = ctx;
  vm.createContext(ctx);
  for (const f of [CONSTANTS_FILE, path.join(WEB, 'js', 'protocol.js'), path.join(WEB, 'js', 'policy.js'), path.join(WEB, 'worker.js')]) {
    vm.runInContext(fs.readFileSync(f, 'utf8'), ctx, { filename: path.basename(f) });
  }
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
  const w = loadWorker(() => Promise.resolve({ Session }));
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

test('the worker says once that its module has started; the constants are the build\'s, the same in the page and the worker', async () => {
  const w = await startWorker();
  assert.deepEqual(plain(w.posted), [{ type: protocol.MESSAGE.ready }]);
  assert.deepEqual(plain(vm.runInContext('PE.constants', w.ctx)), plain(constants));
  assert.ok(Object.isFrozen(constants) && Object.isFrozen(constants.batch_states[0]), 'deep-frozen');
  assert.equal(constants.credits_per_prospect, 1.5);
  assert.ok(constants.default_batch_size >= 1 && constants.default_batch_size <= constants.max_batch_size);
  assert.equal(policy.checkBaseUrl(constants.default_base_url, null).ok, true, 'the default endpoint is one the key may be sent to');
  // The built worker source carries the same constants.js, before the protocol.
  const built = fs.readFileSync(path.join(ROOT, 'build', 'web', 'enricher-worker.js'), 'utf8');
  const source = JSON.parse(built.slice(built.indexOf('.workerSource = ') + 16, built.lastIndexOf(';')));
  const at = source.indexOf(fs.readFileSync(CONSTANTS_FILE, 'utf8'));
  assert.ok(at > 0 && at < source.indexOf('.protocol = api;'), 'constants.js is in the worker, before protocol.js');
});

test('a worker whose module cannot start says so at once, and to each request', async () => {
  const { posted, ask } = loadWorker(() => Promise.reject(new Error('WebAssembly is off')));
  const reply = await ask(protocol.REQUEST.load);
  const said = 'The validation engine could not start in this browser (WebAssembly is off). Reload the page; if it keeps failing, use a current Chrome, Edge or Firefox.';
  assert.deepEqual(reply, [{ type: protocol.MESSAGE.startFailed, error: said }, { id: 7, ok: false, startFailed: true, error: said }]);
  assert.equal(posted.length, 2);
});
