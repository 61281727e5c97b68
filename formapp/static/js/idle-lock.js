// A tablet left alone during the hand-over locks itself: after a quiet spell the page goes to
// the hand-back screen, which only the officer's password opens.
"use strict";
(() => {
  const body = document.body;
  const seconds = Number(body.dataset.idleSeconds || 0);
  const target = body.dataset.lockUrl;
  if (!seconds || !target) return;
  let timer = null;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => window.location.assign(target), seconds * 1000);
  };
  for (const type of ["pointerdown", "pointermove", "keydown", "scroll", "touchstart"]) {
    window.addEventListener(type, arm, { passive: true });
  }
  arm();
})();
