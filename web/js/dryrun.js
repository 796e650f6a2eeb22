// The dry run: the batches of the loaded file (the plan), the exact request body of the chosen one
// and its equivalent curl command (web/js/policy.js: every value single-quoted for the shell, the
// key only as $WOODPECKER_API_KEY), with copy buttons. Defines PE.dryrun.
'use strict';
(function (PE) {
  const { $, announce } = PE.util;
  const { fmt, counted } = PE.words;
  const { REQUEST } = PE.protocol;
  const call = PE.engine.call;
  let plan = [];   // [{index, count, first_row, last_row}] of the loaded file
  // The batch is chosen by its number (a field, and previous/next), not from a list: a list of a
  // million-row file's 19,600 batches took 0.4 s of the main thread to build.
  const pick = $('batch-pick');

  function clear() {
    plan = [];
    pick.value = '1';
    pick.max = '1';
    $('batch-about').textContent = '';
    $('batch-body').value = '';
    $('batch-curl').value = '';
  }
  // The index of the batch asked for: the field's number, kept within the plan.
  function chosen() {
    const n = Math.round(Number(pick.value));
    return Math.min(Math.max(Number.isFinite(n) ? n : 1, 1), Math.max(plan.length, 1)) - 1;
  }
  async function refresh() {
    plan = await call(REQUEST.batchPlan);
    pick.max = String(Math.max(plan.length, 1));
    await showBatch();
  }
  async function showBatch() {
    const i = chosen();
    pick.value = String(i + 1);
    $('batch-prev').disabled = i === 0;
    $('batch-next').disabled = i >= plan.length - 1;
    if (!plan.length) {
      $('batch-about').textContent = '';
      $('batch-body').value = '';
      $('batch-curl').value = 'No valid prospects to send yet.';
      return;
    }
    const b = plan[i];
    $('batch-about').textContent = 'of ' + fmt(plan.length) + ' (' + counted(b.count, 'prospect') + ', ' +
      (b.first_row === b.last_row ? 'row ' + fmt(b.first_row) : 'rows ' + fmt(b.first_row) + '–' + fmt(b.last_row)) + ')';
    const body = await call(REQUEST.batchBody, { index: b.index });
    if (chosen() !== i) return;   // another batch was asked for meanwhile: its answer shows it
    // During a run, a batch whose prospects were all queued from this browser before is not sent.
    if (!body) {
      $('batch-body').value = '';
      $('batch-curl').value = 'Nothing of this batch is sent: its prospects were already queued from this browser.';
      return;
    }
    $('batch-body').value = JSON.stringify(JSON.parse(body), null, 2);
    // A base URL outside the policy is not put in the command at all.
    const c = PE.settings.checkBase(PE.settings.baseUrl() || PE.constants.default_base_url);
    $('batch-curl').value = c.ok ? PE.policy.curlCommand(c.url + PE.constants.queue_path, body)
      : 'No curl command: the API base URL in Settings is refused. ' + c.message;
  }
  pick.addEventListener('change', showBatch);
  const step = (d) => { pick.value = String(chosen() + 1 + d); showBatch(); };
  $('batch-prev').addEventListener('click', () => step(-1));
  $('batch-next').addEventListener('click', () => step(1));
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
