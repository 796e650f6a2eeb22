// What the page and its worker must agree on, declared once: the requests the page may make, the
// messages the worker sends on its own, the kinds of run events, why a run stopped, the states of a
// batch with their words, and the outcomes of the core's decide(). Frozen tables; both sides use the
// names (REQUEST.load, STATE.sent), never the strings. The worker gets a copy of this file
// (scripts/bundle_web.js) and keys its handlers by REQUEST.
// The batch states (STATE, STATE_TEXT, RESENDABLE, IN_FLIGHT) and the outcomes (OUTCOME) are the
// core's: they are read from PE.constants (constants.js, written at build time from the module's
// constants(): kBatchStates in src/core/send_policy.hpp), which must be loaded first.
// Protocol: page -> {id, type: REQUEST.*, ...}; worker -> {id, ok, result | error, fatal,
// startFailed} for a request; {type: MESSAGE.ready} once its module has started;
// {type: MESSAGE.startFailed, error} when it cannot start; {type: MESSAGE.event, event} for the
// progress of a queue run, where event.kind is one of EVENT and a batch event carries a STATE;
// {type: MESSAGE.progress, progress} while a file is read. The input (load, checkOnly) is a File
// or Blob that the worker reads in slices: the page never holds a copy of the file.
// Keys: what the module writes (results, a batch event's response, the load options and report
// outcomes it reads) is the core's one JSON form, snake_case, passed on as it is; the page's own
// messages and events are camelCase (baseUrl, stopReason, httpStatus).
// A classic script that defines PE.protocol (window in the page, self in the worker), or
// module.exports under Node (where PE.constants is read from globalThis.PE, set before).
(function (root) {
  'use strict';

  const node = typeof module === 'object' && module && module.exports;
  const PE = node ? globalThis.PE : root.PE;
  const constants = PE && PE.constants;
  if (!constants || !Array.isArray(constants.batch_states) || !Array.isArray(constants.decision_outcomes)) {
    throw new Error('protocol.js needs PE.constants (js/constants.js, made by scripts/bundle_web.js from the built module): load it first.');
  }

  // A table whose keys are its values: REQUEST.load === 'load'.
  const names = (...list) => Object.freeze(Object.fromEntries(list.map((n) => [n, n])));

  const REQUEST = names('load', 'remap', 'setBatchSize', 'rows', 'setCell', 'setCells', 'fixes', 'fixChanges', 'replaceChanges', 'excludeRows', 'setExcluded', 'columnStats', 'batchPlan', 'setSkip', 'batchBody', 'problems',
    'cleanedCsv', 'reportCsv', 'resultsCsv', 'send', 'cancel', 'status', 'checkOnly', 'cancelCheck', 'keyFingerprint');
  // progress: {type, progress: {bytes, total, rows, ms}} while a file is read (load, checkOnly).
  const MESSAGE = names('ready', 'startFailed', 'event', 'progress');
  const EVENT = names('batch', 'retry', 'finished');
  const STOP = names('cancelled', 'credits', 'auth', 'blocked', 'too_large', 'error');

  // The states of a batch, the core's: STATE_TEXT, its words in the batches table; RESENDABLE: "Send
  // failed and unsent batches" sends it again (a partly queued batch is sent in full: its
  // already-queued emails are not queued twice); IN_FLIGHT (not final): a run that is still going
  // will send it, or is sending it.
  const states = constants.batch_states;
  const STATE = names(...states.map((s) => s.name));
  const STATE_TEXT = Object.freeze(Object.fromEntries(states.map((s) => [s.name, s.words])));
  const RESENDABLE = Object.freeze(states.filter((s) => s.resendable).map((s) => s.name));
  const IN_FLIGHT = Object.freeze(states.filter((s) => !s.final).map((s) => s.name));
  // What the core's decide() says of an answer (a decision's "outcome").
  const OUTCOME = names(...constants.decision_outcomes);

  const api = Object.freeze({ REQUEST, MESSAGE, EVENT, STOP, STATE, STATE_TEXT, RESENDABLE, IN_FLIGHT, OUTCOME });
  if (node) module.exports = api;
  else (root.PE = root.PE || {}).protocol = api;
})(typeof self !== 'undefined' ? self : this);
