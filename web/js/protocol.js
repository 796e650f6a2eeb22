// What the page and its worker must agree on, declared once: the requests the page may make, the
// messages the worker sends on its own, the kinds of run events, why a run stopped, and the states
// of a batch with their words. Frozen tables; both sides use the names (REQUEST.load, STATE.sent),
// never the strings. The worker gets a copy of this file (scripts/bundle_web.js) and keys its
// handlers by REQUEST.
// Protocol: page -> {id, type: REQUEST.*, ...}; worker -> {id, ok, result | error, fatal,
// startFailed} for a request; {type: MESSAGE.ready, constants} once its module has started;
// {type: MESSAGE.startFailed, error} when it cannot start; {type: MESSAGE.event, event} for the
// progress of a queue run, where event.kind is one of EVENT and a batch event carries a STATE.
// A classic script that defines PE.protocol (window in the page, self in the worker), or
// module.exports under Node.
(function (root) {
  'use strict';

  // A table whose keys are its values: REQUEST.load === 'load'.
  const names = (...list) => Object.freeze(Object.fromEntries(list.map((n) => [n, n])));

  const REQUEST = names('load', 'remap', 'setBatchSize', 'rows', 'setCell', 'batchPlan', 'batchBody', 'problems',
    'cleanedCsv', 'reportCsv', 'send', 'cancel', 'status');
  const MESSAGE = names('ready', 'startFailed', 'event');
  const EVENT = names('batch', 'retry', 'finished');
  const STOP = names('cancelled', 'credits', 'auth', 'blocked', 'too_large', 'error');

  // The states of a batch: its words in the batches table; resendable: "Send failed and unsent
  // batches" sends it again (a partly queued batch is sent in full: its already-queued emails are not
  // queued twice); inFlight: a run that is still going will send it, or is sending it.
  const BATCH_STATES = {
    waiting: { text: 'waiting', inFlight: true },
    sending: { text: 'sending…', inFlight: true },
    sent: { text: 'sent' },
    partial: { text: 'partly queued', resendable: true },
    failed: { text: 'failed', resendable: true },
    unconfirmed: { text: 'unconfirmed', resendable: true },
    not_sent: { text: 'not sent', resendable: true },
  };
  const STATE = names(...Object.keys(BATCH_STATES));
  const STATE_TEXT = Object.freeze(Object.fromEntries(Object.entries(BATCH_STATES).map(([k, v]) => [k, v.text])));
  const RESENDABLE = Object.freeze(Object.keys(BATCH_STATES).filter((k) => BATCH_STATES[k].resendable));
  const IN_FLIGHT = Object.freeze(Object.keys(BATCH_STATES).filter((k) => BATCH_STATES[k].inFlight));

  const api = Object.freeze({ REQUEST, MESSAGE, EVENT, STOP, STATE, STATE_TEXT, RESENDABLE, IN_FLIGHT });
  if (typeof module === 'object' && module && module.exports) module.exports = api;
  else (root.PE = root.PE || {}).protocol = api;
})(typeof self !== 'undefined' ? self : this);
