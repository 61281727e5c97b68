// The understanding questions (issue 19): "Lyssna" plays the question (or the section shown
// again after a wrong answer); the section shown again is brought into view and focused, so
// a screen reader and the eyes both land on it.
"use strict";
(() => {
  const form = document.getElementById("question-form");
  const audio = document.querySelector("[data-question-audio]");
  if (!form || !audio) return;
  const labels = { play: form.dataset.playLabel, pause: form.dataset.pauseLabel };
  let active = null;

  const show = (button, playing) => {
    button.dataset.playing = playing ? "true" : "false";
    button.querySelector("[data-label]").textContent = playing ? labels.pause : labels.play;
  };

  document.querySelectorAll("[data-play-src]").forEach((button) => {
    button.addEventListener("click", () => {
      if (active === button && !audio.paused) {
        audio.pause();
        return;
      }
      if (active && active !== button) show(active, false);
      if (active !== button) audio.src = button.dataset.playSrc;
      active = button;
      const started = audio.play();
      if (started && started.catch) started.catch(() => show(button, false));
      show(button, true);
    });
  });
  // How long the question itself was heard goes with the answer (sealed as evidence, like
  // the sections' read-aloud); a jump is a seek, not listening.
  const played = form.querySelector("[data-question-played]");
  let seconds = 0;
  let lastTime = 0;
  audio.addEventListener("loadstart", () => { lastTime = 0; });
  audio.addEventListener("seeking", () => { lastTime = audio.currentTime; });
  audio.addEventListener("timeupdate", () => {
    const now = audio.currentTime;
    const step = now - lastTime;
    if (played && active && "questionListen" in active.dataset && step > 0 && step < 2) {
      seconds += step;
      played.value = String(Math.round(seconds * 10) / 10);
    }
    lastTime = now;
  });
  const stop = () => { if (active) show(active, false); };
  audio.addEventListener("pause", stop);
  audio.addEventListener("ended", stop);
  // Listening is using the tablet: keep the idle lock (js/idle-lock.js) from firing.
  let awake = null;
  audio.addEventListener("play", () => {
    clearInterval(awake);
    awake = setInterval(() => window.dispatchEvent(new Event("pointermove")), 20000);
  });
  audio.addEventListener("pause", () => clearInterval(awake));

  const section = document.getElementById("answer-section");
  if (section) {
    const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    section.scrollIntoView({ block: "start", behavior: still ? "auto" : "smooth" });
    section.focus({ preventScroll: true });
  }
})();
