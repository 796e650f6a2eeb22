// Settings: the API key (in memory, or in this tab's sessionStorage when "Remember in this tab" is
// ticked; never logged or exported), the endpoint (its choices, ?api=, the field, and the base URL
// policy of web/js/policy.js), the batch size and the request timeout. The default endpoint and the
// batch size's default and limit are the core's (PE.constants, loaded before this script): init()
// fills the fields at start-up, without waiting for the module. Defines PE.settings.
'use strict';
(function (PE) {
  const { $, el, showAlert } = PE.util;
  const served = location.protocol === 'http:' || location.protocol === 'https:';
  // Where the key may go (web/js/policy.js): the Woodpecker API, this server when the page is
  // served, or a sandbox on this machine; plain paths only. The same check guards ?api=, the field,
  // and every base URL read back from storage before a request uses it (the worker checks again).
  const pageOrigin = served ? location.origin : null;
  const checkBase = (url) => PE.policy.checkBaseUrl(url, pageOrigin);
  const TIMEOUT_S = { min: 1, max: 600, default: 30 };
  const BATCH = { default: PE.constants.default_batch_size, max: PE.constants.max_batch_size };
  const choices = [];     // the endpoints offered, once init has run

  function setBase(id, url) {
    $('base-choice').value = id;
    $('base-url').value = url;
    $('base-hint').textContent = id === 'direct'
      ? 'From a page opened from disk, the browser may block direct calls (CORS). If so, serve the page with scripts/run.sh, or use the curl command from the dry run.'
      : id === 'sandbox' ? 'The sandbox accepts the key “sandbox-key”.' : '';
  }
  const baseUrl = () => $('base-url').value.trim().replace(/\/+$/, '');

  // The endpoint, the batch size and the timeout are remembered in this browser (localStorage), so
  // that a reload sends where the user chose; the key never is (see below). What is read back passes
  // the same checks as what is typed (the URL policy, the batch size's limits) before it is used.
  const SETTINGS_STORE = 'pe.settings.v1';
  let restoring = true;   // nothing is saved while init() fills the fields
  let linkBase = null;    // the endpoint a ?api= link set, until the user picks one: never remembered
  function saveSettings() {
    if (restoring) return;
    const fromLink = linkBase !== null;
    const kept = fromLink ? storedSettings() : {};
    try {
      localStorage.setItem(SETTINGS_STORE, JSON.stringify({
        endpoint: fromLink ? kept.endpoint : $('base-choice').value, baseUrl: fromLink ? kept.baseUrl : baseUrl(),
        batchSize: $('batch-size').value, timeout: $('request-timeout').value }));
    } catch (e) { /* storage may be off: the settings are then for this page only */ }
  }
  function storedSettings() {
    try {
      const v = JSON.parse(localStorage.getItem(SETTINGS_STORE) || 'null');
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {};
    } catch (e) { return {}; }
  }

  $('base-choice').addEventListener('change', () => {
    const c = choices.find((x) => x.id === $('base-choice').value);
    setBase(c.id, c.id === 'custom' ? $('base-url').value : c.url);
    linkBase = null;   // the user's own choice now
    saveSettings();
  });
  $('base-url').addEventListener('input', () => { $('base-choice').value = 'custom'; linkBase = null; saveSettings(); });
  $('request-timeout').addEventListener('change', saveSettings);
  // The page's security policy lets it connect only to the Woodpecker API, its own server and this
  // machine: say so at once rather than fail on the first call.
  $('base-url').addEventListener('change', () => {
    const c = checkBase(baseUrl());
    $('base-hint').textContent = c.ok ? '' : c.message + ' To use another proxy, host the page on that server (see docs/hosting.md).';
  });
  // The base URL for a request that carries the key, or null after saying why it is refused.
  // where: whose URL it is, for the message ("The API base URL in Settings").
  function requestBase(url, where) {
    const c = checkBase(url);
    if (c.ok) return c.url;
    showAlert(where + ' (“' + url + '”) is refused, so nothing was sent: ' + c.message);
    return null;
  }

  // The key: memory only, unless "Remember in this tab" (sessionStorage).
  const KEY_STORE = 'pe.apiKey';
  try {
    const saved = sessionStorage.getItem(KEY_STORE);
    if (saved) { $('api-key').value = saved; $('remember-key').checked = true; }
  } catch (e) { /* storage may be off */ }
  function persistKey() {
    try {
      if ($('remember-key').checked && $('api-key').value) sessionStorage.setItem(KEY_STORE, $('api-key').value);
      else sessionStorage.removeItem(KEY_STORE);
    } catch (e) { /* ignore */ }
  }
  $('remember-key').addEventListener('change', persistKey);
  // The key goes into an HTTP header, which takes printable ASCII only: a character pasted with it
  // (a zero-width space, a non-breaking space, a smart quote) is named at once, with its place.
  function checkKeyField() {
    const problem = PE.policy.keyProblem($('api-key').value);
    $('key-hint').textContent = problem || '';
    $('key-hint').hidden = !problem;
    if (problem) $('api-key').setAttribute('aria-invalid', 'true'); else $('api-key').removeAttribute('aria-invalid');
    return problem;
  }
  $('api-key').addEventListener('input', () => { persistKey(); checkKeyField(); });
  checkKeyField();
  const apiKey = () => $('api-key').value.trim();
  // The key for a request, or null after saying what is missing or wrong.
  function requestKey() {
    if (!apiKey()) { showAlert('Enter your API key in Settings first.'); $('api-key').focus(); return null; }
    const problem = checkKeyField();
    if (problem) { showAlert('Nothing was sent. ' + problem); $('api-key').focus(); return null; }
    return apiKey();
  }
  // The checked base URL for sending (Settings', or a stored run's), or null after saying why not.
  function readyToSend(stored) {
    if (!requestKey()) return null;
    if (stored !== undefined) return requestBase(stored, 'The API base URL stored with this run');
    if (!baseUrl()) { showAlert('Enter the API base URL in Settings first.'); $('base-url').focus(); return null; }
    return requestBase(baseUrl(), 'The API base URL in Settings');
  }

  // The batch size used is always the one shown: a value out of range is corrected in the field,
  // and its hint says why.
  const batchHint = () => 'Prospects per request. ' + BATCH.default + ' is a safe default.';
  function batchSize() {
    const field = $('batch-size');
    const raw = field.value.trim();
    const n = parseInt(raw, 10);
    const { max } = BATCH;
    const size = Number.isNaN(n) ? BATCH.default : Math.max(1, Math.min(max, n));
    if (raw !== String(size)) {
      field.value = String(size);
      $('batch-hint').textContent = Number.isNaN(n) ? (raw ? '“' + raw + '” is not a number' : 'No batch size given') + ': the default of ' + BATCH.default + ' is used.'
        : n > max ? 'At most ' + max + ' prospects per request: ' + raw + ' was changed to ' + max + '.'
        : n < 1 ? 'At least 1 prospect per request: ' + raw + ' was changed to 1.'
        : raw + ' was rounded to ' + size + ' (a whole number of prospects).';
    } else $('batch-hint').textContent = batchHint();
    return size;
  }
  $('batch-size').addEventListener('change', () => { batchSize(); saveSettings(); });   // corrects the field and its hint at once, with or without a file
  const timeoutMs = () => Math.round(Math.max(TIMEOUT_S.min, Math.min(TIMEOUT_S.max, parseFloat($('request-timeout').value) || TIMEOUT_S.default)) * 1000);

  // At start-up: the endpoint choices (this server's proxy first when the page is served), ?api=,
  // and the batch size's default and limit. ?api= presets the endpoint (used for a local sandbox). A
  // link must not be able to send the key elsewhere, nor put anything but a URL into the curl
  // command: anything else is refused, visibly. Returns that refusal in words, or ''.
  function init() {
    if (served) choices.push({ id: 'proxy', label: 'Woodpecker API through this server (recommended)', url: location.origin + '/woodpecker' });
    choices.push({ id: 'direct', label: 'Woodpecker API, direct', url: PE.constants.default_base_url });
    choices.push({ id: 'sandbox', label: 'Local sandbox — no account, no credits', url: served ? location.origin + '/sandbox' : 'http://127.0.0.1:8090' });
    choices.push({ id: 'custom', label: 'Custom…', url: '' });
    for (const c of choices) $('base-choice').append(el('option', { value: c.id, text: c.label }));
    $('batch-size').max = String(BATCH.max);
    $('batch-size').value = String(BATCH.default);
    $('batch-hint').textContent = batchHint();
    const stored = storedSettings();
    if (typeof stored.batchSize === 'string' && stored.batchSize) { $('batch-size').value = stored.batchSize; batchSize(); }
    if (typeof stored.timeout === 'string' && stored.timeout) { $('request-timeout').value = stored.timeout; $('request-timeout').value = String(timeoutMs() / 1000); }
    restoring = false;
    const apiParam = new URLSearchParams(location.search).get('api');
    const apiChecked = apiParam ? checkBase(apiParam) : null;
    if (apiChecked && apiChecked.ok) {
      // A link's endpoint is for this page: it is not remembered over the user's own choice.
      const c = choices.find((x) => x.url === apiChecked.url);
      setBase(c ? c.id : 'custom', apiChecked.url);
      linkBase = baseUrl();
      return '';
    }
    // The endpoint chosen last time, when it still passes the policy (and this page offers it).
    let note = '';
    if (typeof stored.baseUrl === 'string' && stored.baseUrl) {
      const s = checkBase(stored.baseUrl);
      if (s.ok) {
        const c = choices.find((x) => x.id === stored.endpoint && x.url === s.url) || choices.find((x) => x.url === s.url);
        setBase(c ? c.id : 'custom', s.url);
      } else {
        note = 'The API endpoint remembered from an earlier visit (“' + stored.baseUrl + '”) is refused: ' + s.message +
          ' The endpoint is back to ' + choices[0].url + '.';
      }
    }
    if (!note && baseUrl()) {
      return apiChecked ? 'This link asked the page to use the API at “' + apiParam + '”, which it refuses: ' + apiChecked.message +
        ' The endpoint stays at ' + baseUrl() + '.' : '';
    }
    setBase(choices[0].id, choices[0].url);
    if (apiChecked) note = 'This link asked the page to use the API at “' + apiParam + '”, which it refuses: ' + apiChecked.message +
      ' The endpoint stays at ' + choices[0].url + '.' + (note ? ' ' + note : '');
    return note;
  }

  // An endpoint as the confirmation names it: the label of the choice it is ("the local sandbox
  // (http://127.0.0.1:8090)"), or its URL when it is a custom one.
  function endpointName(url) {
    const NAMES = { proxy: 'the Woodpecker API through this server', direct: 'the Woodpecker API', sandbox: 'the local sandbox' };
    const c = choices.find((x) => x.url === url && NAMES[x.id]);
    return c ? NAMES[c.id] + ' (' + url + ')' : url;
  }

  PE.settings = {
    endpointName, init, apiKey, requestKey, baseUrl, checkBase, requestBase, readyToSend, batchSize, timeoutMs };
})(window.PE);
