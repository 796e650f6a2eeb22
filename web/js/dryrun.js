// The dry run: the batches of the loaded file (the plan), the exact request body of the chosen one
// and its equivalent curl command (web/js/policy.js: every value single-quoted for the shell, the
// key only as $WOODPECKER_API_KEY), with copy buttons. Defines PE.dryrun.
'use strict';
(function (PE) {
  const { $, el, announce } = PE.util;
  const { counted } = PE.words;
  const { REQUEST } = PE.protocol;
  const call = PE.engine.call;
  let plan = [];   // [{index, count, first_row, last_row}] of the loaded file

  function clear() {
    plan = [];
    $('batch-pick').replaceChildren();
    $('batch-body').value = '';
    $('batch-curl').value = '';
  }
  async function refresh() {
    plan = await call(REQUEST.batchPlan);
    const pick = $('batch-pick');
    const prev = pick.value;
    pick.replaceChildren();
    plan.forEach((b) => pick.append(el('option', { value: String(b.index), text: 'Batch ' + (b.index + 1) + ' of ' + plan.length + ' (' + counted(b.count, 'prospect') + ', ' + (b.first_row === b.last_row ? 'row ' + b.first_row : 'rows ' + b.first_row + '–' + b.last_row) + ')' })));
    if (prev && +prev < plan.length) pick.value = prev;
    await showBatch();
  }
  async function showBatch() {
    if (!plan.length) { $('batch-body').value = ''; $('batch-curl').value = 'No valid prospects to send yet.'; return; }
    const body = await call(REQUEST.batchBody, { index: +$('batch-pick').value || 0 });
    $('batch-body').value = JSON.stringify(JSON.parse(body), null, 2);
    // A base URL outside the policy is not put in the command at all.
    const c = PE.settings.checkBase(PE.settings.baseUrl() || PE.constants.default_base_url);
    $('batch-curl').value = c.ok ? PE.policy.curlCommand(c.url + PE.constants.queue_path, body)
      : 'No curl command: the API base URL in Settings is refused. ' + c.message;
  }
  $('batch-pick').addEventListener('change', showBatch);
  // The button says "Copied" for 2 s (and it is announced), then gets its label back.
  function copy(id, btn) {
    const t = $(id);
    const done = (ok) => {
      announce(ok ? 'Copied.' : 'Could not copy: select the text and copy it yourself.');
      if (!btn.dataset.label) btn.dataset.label = btn.textContent;
      btn.textContent = ok ? 'Copied' : 'Copy failed';
      clearTimeout(btn.copyTimer);
      btn.copyTimer = setTimeout(() => { btn.textContent = btn.dataset.label; }, 2000);
    };
    (navigator.clipboard ? navigator.clipboard.writeText(t.value) : Promise.reject()).then(
      () => done(true), () => { t.select(); let ok = false; try { ok = document.execCommand('copy'); } catch (e) { ok = false; } done(ok); });
  }
  $('copy-body').addEventListener('click', () => copy('batch-body', $('copy-body')));
  $('copy-curl').addEventListener('click', () => copy('batch-curl', $('copy-curl')));

  PE.dryrun = { clear, refresh, showBatch };
})(window.PE);
