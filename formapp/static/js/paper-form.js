// FK 9448/9449 pages: show only the questions that are asked (data-when), only the stadsdelar
// of the chosen kommun, a search box for the 290 kommuner, and the question language applied
// as soon as it is chosen. Without script every question shows and the server decides: this is
// a convenience, never a check.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.paper-form-page");
  if (!form) return;

  const chosen = (name) => Array.from(form.elements)
    .filter((el) => el.name === name && !el.disabled)
    .flatMap((el) => {
      if (el.type === "radio" || el.type === "checkbox") return el.checked ? [el.value] : [];
      if (el.tagName === "SELECT" || el.type !== "hidden") return el.value ? [el.value] : [];
      return [];
    });

  const holds = (condition) => {
    const values = chosen(condition.field);
    const hit = values.some((value) => condition.values.includes(value));
    return condition.op === "in" ? hit : !hit;
  };

  const conditional = Array.from(form.querySelectorAll("[data-when]"));
  const sync = () => {
    // Twice: a question can depend on one that has just been shown or hidden.
    for (let pass = 0; pass < 2; pass += 1) {
      for (const element of conditional) {
        const asked = JSON.parse(element.dataset.when).every(holds);
        element.hidden = !asked;
        element.querySelectorAll("input, select, textarea").forEach((input) => {
          input.disabled = !asked;
        });
      }
    }
    for (const select of form.querySelectorAll("select[data-kommun-field]")) {
      const kommun = document.getElementById(select.dataset.kommunField)?.value ?? "";
      for (const group of select.querySelectorAll("optgroup")) {
        const match = group.dataset.kommun === kommun;
        group.hidden = !match;
        group.disabled = !match;
        if (!match && group.contains(select.selectedOptions[0])) select.value = "";
      }
    }
  };
  form.addEventListener("change", sync);
  sync();

  // A filter for long selects (the kommuner): typing narrows the list.
  for (const filter of form.querySelectorAll("input[data-filter-for]")) {
    const select = document.getElementById(filter.dataset.filterFor);
    if (!select) continue;
    filter.hidden = false;
    filter.addEventListener("input", () => {
      const needle = filter.value.trim().toLocaleLowerCase("sv");
      let first = null;
      for (const option of select.options) {
        const match = !option.value || option.text.toLocaleLowerCase("sv").includes(needle);
        option.hidden = !match;
        if (match && option.value && first === null) first = option;
      }
      // The first match is chosen when nothing is yet (the "Välj kommun" line) or the
      // choice no longer matches: type, then Tab on, as with a keyboard only.
      const current = select.selectedOptions[0];
      if (needle && first && (!current || !current.value || current.hidden)) {
        select.value = first.value;
        sync();
      }
    });
  }

  // The question language applies when chosen; the button stays for use without script.
  const language = form.querySelector("select[data-autosubmit]");
  if (language) {
    const button = form.querySelector(`button[name="${language.dataset.autosubmit}"]`);
    language.addEventListener("change", () => button?.click());
  }
});
