// The signature pad: pointer events (finger, stylus, mouse), strokes kept in pad units (0..1)
// so a rotation or resize redraws the same signature, no page scroll while drawing
// (touch-action: none in CSS), and an empty or near-empty signature is never submitted.
// The server checks the same rules again (records/signatures.py).
"use strict";

const MIN_POINTS = 8;
const MIN_INK = 0.12; // in pad widths

document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("signature-canvas");
  const input = document.getElementById("signature");
  const form = document.getElementById("sign-form");
  if (!canvas || !input || !form) return;
  const pad = canvas.parentElement;
  const clearButton = document.getElementById("signature-clear");
  const submit = document.getElementById("sign-submit");
  const clientError = document.getElementById("signature-client-error");
  const context = canvas.getContext("2d");
  let strokes = [];
  let current = null;

  try {
    const saved = JSON.parse(input.value || "null");
    if (saved && Array.isArray(saved.strokes)) strokes = saved.strokes;
  } catch (_) { strokes = []; }

  const aspect = () => canvas.clientWidth / Math.max(canvas.clientHeight, 1);

  function resize() {
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(canvas.clientWidth * ratio);
    canvas.height = Math.round(canvas.clientHeight * ratio);
    redraw();
  }

  function redraw() {
    const w = canvas.width;
    const h = canvas.height;
    context.clearRect(0, 0, w, h);
    context.lineWidth = Math.max(2, w / 300);
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#0b1f3a";
    for (const stroke of strokes) {
      context.beginPath();
      stroke.forEach(([x, y], i) => (i ? context.lineTo(x * w, y * h) : context.moveTo(x * w, y * h)));
      if (stroke.length === 1) context.lineTo(stroke[0][0] * w + 0.5, stroke[0][1] * h);
      context.stroke();
    }
  }

  function ink() {
    const a = aspect();
    let length = 0;
    let points = 0;
    for (const stroke of strokes) {
      points += stroke.length;
      for (let i = 1; i < stroke.length; i++) {
        length += Math.hypot(stroke[i][0] - stroke[i - 1][0], (stroke[i][1] - stroke[i - 1][1]) / a);
      }
    }
    return { length, points };
  }

  function store() {
    const round = (v) => Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000;
    const data = strokes.map((s) => s.map(([x, y]) => [round(x), round(y)]));
    input.value = strokes.length ? JSON.stringify({ aspect: aspect(), strokes: data }) : "";
    const { length, points } = ink();
    const enough = points >= MIN_POINTS && length >= MIN_INK;
    pad.classList.toggle("has-ink", strokes.length > 0);
    if (enough && clientError) clientError.hidden = true;
    return enough;
  }

  function point(event) {
    const box = canvas.getBoundingClientRect();
    return [(event.clientX - box.left) / box.width, (event.clientY - box.top) / box.height];
  }

  canvas.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 && event.pointerType === "mouse") return;
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    current = [point(event)];
    strokes.push(current);
    redraw();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!current) return;
    event.preventDefault();
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const e of events.length ? events : [event]) current.push(point(e));
    redraw();
  });
  const finish = () => {
    if (!current) return;
    current = null;
    store();
  };
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  canvas.addEventListener("lostpointercapture", finish);

  clearButton?.addEventListener("click", () => {
    strokes = [];
    store();
    redraw();
  });

  // Everything missing is said at once, at its field, and the first one is scrolled into
  // view and announced; the server checks the same again.
  function fieldMissing(id, missing) {
    const box = document.getElementById(`${id}-field`);
    const error = document.getElementById(`${id}-client-error`);
    if (!box || !error) return false;
    error.textContent = missing ? box.dataset.requiredMessage : "";
    error.hidden = !missing;
    return missing;
  }

  function missingParts() {
    const confirmed = document.getElementById("confirmed");
    const name = document.getElementById("name");
    const first = [];
    if (fieldMissing("confirmed", confirmed && !confirmed.checked)) first.push(confirmed);
    if (fieldMissing("name", name && !name.value.trim())) first.push(name);
    if (!store()) {
      if (clientError) {
        clientError.textContent = pad.dataset.emptyMessage;
        clientError.hidden = false;
      }
      first.push(canvas);
    }
    return first;
  }

  const certify = document.getElementById("certify");
  const actions = submit ? submit.closest(".actions") : null;

  function showCertification() {
    document.getElementById("certify-name").textContent = document.getElementById("name").value.trim();
    document.getElementById("certify-signature").src = canvas.toDataURL("image/png");
    certify.hidden = false;
    if (actions) actions.hidden = true;
    certify.scrollIntoView({ block: "start" });
    certify.focus();
  }

  document.getElementById("certify-change")?.addEventListener("click", () => {
    certify.hidden = true;
    if (actions) actions.hidden = false;
    document.getElementById("name")?.focus();
  });

  form.addEventListener("submit", (event) => {
    const submitter = event.submitter;
    if (submitter && submitter.dataset.pause) return;  // the lock: keep what was written
    const missing = missingParts();
    if (missing.length) {
      event.preventDefault();
      missing[0].scrollIntoView({ block: "center" });
      missing[0].focus({ preventScroll: true });
      return;
    }
    // A last look at what will be sealed before it is (the certification step).
    if (certify && !(submitter && submitter.dataset.certified)) {
      event.preventDefault();
      showCertification();
      return;
    }
    if (form.dataset.submitted) {  // a double tap sends one consent, not two
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "1";
    document.getElementById("certify-sign")?.setAttribute("aria-disabled", "true");
    if (submit) submit.setAttribute("aria-disabled", "true");
  });

  // After a refused signature the page comes back at the top: bring the message into view.
  const serverErrors = document.getElementById("sign-errors");
  if (serverErrors) {
    serverErrors.scrollIntoView({ block: "center" });
    serverErrors.focus({ preventScroll: true });
  }

  new ResizeObserver(resize).observe(canvas);
  resize();
  store();
});
