// Help for reading on the participant's pages (issue 19): the text size control and the
// progress indicator's current step.
//
// The size is kept in this tab's sessionStorage with the hand-over it was chosen in (the
// draft's token, from data-handover): a page of another hand-over starts at normal size, so
// nothing of the previous participant's choice reaches the next. The thank-you page has no
// token ("") and keeps what the same hand-over chose.
"use strict";
(() => {
  const STORE = "formapp.textSize";
  const SIZES = ["1", "2", "3"];
  const root = document.documentElement;
  const group = document.querySelector(".text-size[data-handover]");
  if (!group) return;
  const handover = group.dataset.handover || "";
  const buttons = Array.from(group.querySelectorAll("button[data-text-size]"));

  function saved() {
    try {
      const value = JSON.parse(window.sessionStorage.getItem(STORE) || "null");
      return value && SIZES.includes(value.size) ? value : null;
    } catch (error) {
      return null;  // storage off or garbled: normal size
    }
  }

  function show(size) {
    SIZES.forEach((s) => root.classList.toggle(`text-size-${s}`, s === size && s !== "1"));
    buttons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.textSize === size)));
  }

  function keep(size, key) {
    try {
      window.sessionStorage.setItem(STORE, JSON.stringify({handover: key, size}));
    } catch (error) { /* not kept: this page still shows it */ }
  }

  const before = saved();
  const sameHandover = before && (!handover || before.handover === handover);
  const size = sameHandover ? before.size : "1";
  show(size);
  if (handover && !sameHandover) keep("1", handover);
  buttons.forEach((button) => button.addEventListener("click", () => {
    const chosen = button.dataset.textSize;
    show(chosen);
    keep(chosen, handover || (before && before.handover) || "");
  }));

  // The reading page holds three steps: reading, the confirmation box, the signature. The
  // indicator follows the participant: the box in sight is "Bekräfta", ticked is "Skriv under".
  const steps = Array.from(document.querySelectorAll("nav.progress li"));
  const box = document.getElementById("confirmed");
  const field = document.getElementById("confirmed-field");
  if (!steps.length || !box || !field) return;
  let seen = false;

  function mark(current) {
    steps.forEach((li, index) => {
      li.classList.toggle("is-done", index < current);
      li.classList.toggle("is-current", index === current);
      li.classList.toggle("is-todo", index > current);
      if (index === current) li.setAttribute("aria-current", "step");
      else li.removeAttribute("aria-current");
    });
  }

  function update() {
    mark(box.checked ? 2 : (seen ? 1 : 0));
  }

  box.addEventListener("change", update);
  if ("IntersectionObserver" in window) {
    new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        seen = true;
        update();
      }
    }).observe(field);
  }
  update();
})();
