// A tablet left alone during the hand-over locks itself: after a quiet spell the page goes to
// the hand-back screen, which only the officer's password opens. A warning shows first (a touch
// keeps reading); on the signing page what was written is sent along and kept, locked, on the
// server, so the same participant goes on from there once the officer unlocks.
"use strict";
(() => {
  const body = document.body;
  const seconds = Number(body.dataset.idleSeconds || 0);
  const target = body.dataset.lockUrl;
  if (!seconds || !target) return;
  const warnFor = Math.min(20, Math.floor(seconds / 3));
  let lockTimer = null;
  let warnTimer = null;
  let warning = null;

  function lock() {
    const form = document.getElementById("sign-form");
    if (form && form.dataset.pauseUrl) {
      form.action = form.dataset.pauseUrl;
      form.submit();  // no submit event: nothing is checked, it is only kept
      return;
    }
    window.location.assign(target);
  }

  function warn() {
    if (!body.dataset.lockWarning) return;
    warning = document.createElement("p");
    warning.className = "lock-warning";
    warning.setAttribute("role", "alert");
    warning.textContent = body.dataset.lockWarning;
    body.prepend(warning);
  }

  const arm = () => {
    clearTimeout(lockTimer);
    clearTimeout(warnTimer);
    if (warning) {
      warning.remove();
      warning = null;
    }
    warnTimer = setTimeout(warn, (seconds - warnFor) * 1000);
    lockTimer = setTimeout(lock, seconds * 1000);
  };
  // What a person does, not "scroll": layout shifts (the warning itself) fire that too.
  for (const type of ["pointerdown", "pointermove", "keydown", "wheel", "touchstart"]) {
    window.addEventListener(type, arm, { passive: true });
  }
  arm();
})();
