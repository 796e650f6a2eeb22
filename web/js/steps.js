// The guided flow: Load → Check & fix → Review & queue → Track, shown at the top of the page with
// the current step marked (aria-current="step"). After a load the page moves to the check; "Next:
// review and queue" moves to the queue; a finished run moves the mark to Track. The step links go
// to their sections (the check's is the check-only report when that is what is shown).
// Defines PE.steps.
'use strict';
(function (PE) {
  const { $ } = PE.util;
  const SECTIONS = { load: 'input-section', check: 'results', queue: 'queue', track: 'track' };
  let current = 'load';

  function sectionOf(step) {
    if (step === 'check' && $('results').hidden && !$('check-only').hidden) return $('check-only');
    return $(SECTIONS[step]);
  }
  // Marks `step` as the current one; with move, brings its section into view.
  function set(step, move) {
    current = step;
    for (const a of document.querySelectorAll('#steps a[data-step]')) {
      if (a.dataset.step === step) a.setAttribute('aria-current', 'step');
      else a.removeAttribute('aria-current');
    }
    const section = sectionOf(step);
    if (move && section && !section.hidden) section.scrollIntoView({ block: 'start' });
  }
  for (const a of document.querySelectorAll('#steps a[data-step]')) {
    a.addEventListener('click', (e) => {
      const section = sectionOf(a.dataset.step);
      e.preventDefault();
      if (!section || section.hidden) {
        PE.util.announce(a.dataset.step === 'load' ? '' : 'Load an export first: this step follows it.');
        return;
      }
      set(a.dataset.step, true);
      const heading = section.querySelector('h2');
      if (heading) { heading.tabIndex = -1; heading.focus({ preventScroll: true }); }
    });
  }
  $('to-queue').addEventListener('click', () => {
    set('queue', true);
    $('queue-h').tabIndex = -1;
    $('queue-h').focus({ preventScroll: true });
  });

  PE.steps = { set, current: () => current };
})(window.PE);
