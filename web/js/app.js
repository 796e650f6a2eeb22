// Starts the page and wires what crosses from one script to another: the engine's run events and
// failures, the two Settings fields whose changes reach other sections, a last-resort message for
// failures nobody caught, and the start-up (Settings and the credit note from the core's constants,
// the ledger, the last run, the history). The last script of the page.
'use strict';
(function (PE) {
  const { $, showAlert } = PE.util;

  PE.engine.onRunEvent((ev) => PE.queue.onEvent(ev));
  // The loaded file lived in the old worker: nothing of it may be shown as current.
  PE.engine.onFailure((message, context) => {
    PE.queue.engineLost(message);
    const said = (context ? context + ' ' : '') + message;
    if (PE.check.loaded()) {
      PE.check.drop();
      showAlert(said + ' The loaded file was cleared: load it again.');
    } else showAlert(said);
  });
  // Last resort: a failure no handler caught is still said in words (the engine's own are said above).
  window.addEventListener('unhandledrejection', (e) => {
    const r = e.reason;
    e.preventDefault();
    if (r && r.engine) return;
    showAlert('Something went wrong on the page: ' + PE.engine.wordsOf(r && r.message !== undefined ? r.message : r) + ' If the page does not respond, reload it.');
  });
  $('batch-size').addEventListener('change', () => PE.check.batchSizeChanged());
  $('base-url').addEventListener('change', () => PE.dryrun.showBatch());

  // Settings first: the history names the endpoints other than the one in Settings.
  const refused = PE.settings.init();
  $('credit-note').textContent = 'Each prospect enrichment that finds data costs ' + PE.words.credits(PE.constants.credits_per_prospect) + ' credits.';
  PE.engine.start();
  // The runs are read from storage (IndexedDB) before the last run and the history are shown.
  const ledgerRead = PE.ledger.init().then(() => { PE.track.init(); PE.queue.restore(); })
    .catch((e) => showAlert('The record of earlier runs could not be read (' + PE.engine.wordsOf(e && e.message) + '). Queueing works; earlier runs are not shown. Reload the page to try again.'));
  // Another tab wrote a run, or this one is back in view: the runs as they are now (the other tabs'
  // progress, or a history they cleared).
  const redraw = () => { PE.queue.sync(); PE.track.renderHistory(); };
  PE.ledger.onChange(redraw);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) PE.ledger.refresh().then(redraw, () => {});
  });
  // The notes gathered while the page starts (a refused ?api=, damaged storage) are shown once the
  // module has started and the runs are read, or after the engine's own message when it cannot start.
  const done = () => PE.util.startupDone(refused);
  Promise.all([PE.engine.ready.catch(() => {}), ledgerRead.catch(() => {})]).then(done);
})(window.PE);
