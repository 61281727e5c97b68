// Read aloud (issue 19): a play/pause button on each section of the text and "read all", the
// section being read highlighted. Nothing plays until a button is pressed. What was played
// (which file, for how long) is written to the signing form's hidden field read_aloud.
"use strict";
(() => {
  const panel = document.querySelector("[data-read-aloud]");
  if (!panel) return;
  const audio = panel.querySelector("[data-read-aloud-audio]");
  const field = document.getElementById("read-aloud-evidence");
  const article = document.querySelector("article.consent-text");
  const template = panel.querySelector("template[data-section-button]");
  const allButton = panel.querySelector("[data-read-all]");
  const labels = { play: panel.dataset.playLabel, pause: panel.dataset.pauseLabel,
                   all: panel.dataset.allLabel };
  const tracks = Array.from(panel.querySelectorAll("[data-track]"), (el) => ({
    source: el.dataset.source,
    section: el.dataset.section === "" ? null : Number(el.dataset.section),
    src: el.dataset.src,
    sha256: el.dataset.sha256 || null,
    // A human recording of the whole text: its sections' start times when the förbund gave
    // them (one per data-read-section), else the whole text is marked while it plays.
    starts: (el.dataset.starts || "").split(" ").filter((v) => v !== "").map(Number),
    played: 0,
    button: null,
    target: null,
  }));
  let carried = [];
  try { carried = JSON.parse(field.value || "[]"); } catch (e) { carried = []; }
  if (!Array.isArray(carried)) carried = [];

  let current = -1;      // index of the track in the player
  let readingAll = false;
  let lastTime = 0;
  let keepAwake = null;

  const setButton = (button, playing, idleLabel) => {
    if (!button) return;
    // The label says what a press does ("Pausa" while playing), so no aria-pressed.
    button.dataset.playing = playing ? "true" : "false";
    button.querySelector("[data-label]").textContent = playing ? labels.pause : idleLabel;
  };

  const sections = article ? Array.from(article.querySelectorAll("[data-read-section]")) : [];

  // The section a recording is reading now (by its start times), or -1 for "the whole text".
  const recordedSection = (track) => {
    if (track.starts.length !== sections.length) return -1;
    let found = 0;
    track.starts.forEach((start, i) => { if (audio.currentTime >= start) found = i; });
    return found;
  };

  const markRecording = (track, active) => {
    if (!article) return;
    const at = active ? recordedSection(track) : -1;
    article.classList.toggle("is-reading", active && at < 0);
    sections.forEach((el, i) => {
      const reading = active && i === at;
      if (reading && !el.classList.contains("is-reading") && !audio.paused) {
        el.scrollIntoView({ block: "nearest" });
      }
      el.classList.toggle("is-reading", reading);
    });
  };

  const refresh = () => {
    const playing = !audio.paused && !audio.ended;
    tracks.forEach((track, i) => {
      const active = i === current && (playing || (!audio.ended && audio.currentTime > 0));
      setButton(track.button, playing && i === current, labels.play);
      if (track.target) track.target.classList.toggle("is-reading", active);
      else if (track.section === null && i === current) markRecording(track, active);
    });
    setButton(allButton, playing && readingAll, labels.all);
  };

  const report = () => {
    const heard = tracks.filter((t) => t.played > 0).map((t) => ({
      source: t.source, section: t.section, sha256: t.sha256,
      seconds: Math.round(t.played * 10) / 10,
    }));
    field.value = heard.length || carried.length ? JSON.stringify(carried.concat(heard)) : "";
  };

  const show = (track) => {
    if (!track.target) return;
    const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    track.target.scrollIntoView({ block: "nearest", behavior: still ? "auto" : "smooth" });
  };

  const play = (index, all) => {
    readingAll = all;
    if (index !== current) {
      current = index;
      audio.src = tracks[index].src;
      lastTime = 0;
    }
    show(tracks[index]);
    const started = audio.play();
    if (started && started.catch) started.catch(() => refresh());
    refresh();
  };

  const toggle = (index, all) => {
    if (index === current && !audio.paused) {
      audio.pause();
    } else {
      play(index, all);
    }
  };

  tracks.forEach((track, i) => {
    if (track.section === null || !article || !template) return;
    const target = article.querySelector(`[data-read-section="${track.section}"]`);
    if (!target) return;
    const button = template.content.firstElementChild.cloneNode(true);
    target.insertBefore(button, target.firstChild);
    track.button = button;
    track.target = target;
    button.addEventListener("click", () => toggle(i, false));
  });

  allButton.addEventListener("click", () => {
    if (readingAll && current >= 0 && !audio.paused) {
      audio.pause();
    } else if (readingAll && current >= 0 && !audio.ended) {
      play(current, true);
    } else {
      play(0, true);
    }
  });

  audio.addEventListener("timeupdate", () => {
    const now = audio.currentTime;
    const step = now - lastTime;
    if (current >= 0 && step > 0 && step < 2) {  // a jump is a seek, not listening
      tracks[current].played += step;
      report();
    }
    if (current >= 0 && tracks[current].section === null) markRecording(tracks[current], true);
    lastTime = now;
  });
  audio.addEventListener("seeking", () => { lastTime = audio.currentTime; });
  audio.addEventListener("play", () => {
    refresh();
    // Listening is using the tablet: keep the idle lock (js/idle-lock.js) from firing.
    clearInterval(keepAwake);
    keepAwake = setInterval(() => window.dispatchEvent(new Event("pointermove")), 20000);
  });
  audio.addEventListener("pause", () => { clearInterval(keepAwake); refresh(); });
  audio.addEventListener("ended", () => {
    clearInterval(keepAwake);
    if (readingAll && current < tracks.length - 1) {
      play(current + 1, true);
    } else {
      readingAll = false;
      refresh();
      tracks.forEach((t) => t.target && t.target.classList.remove("is-reading"));
      if (tracks[current] && tracks[current].section === null) markRecording(tracks[current], false);
    }
  });
})();
