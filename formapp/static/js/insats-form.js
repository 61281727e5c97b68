// Shows only the inriktningar of the chosen kind of insats. Without script every option is
// shown and the server refuses a mismatch, so this is a convenience, never a check.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("inriktning");
  const radios = document.querySelectorAll('input[name="kind"]');
  if (!select || radios.length === 0) return;
  const groups = Array.from(select.querySelectorAll("optgroup"));
  const labels = new Map(Array.from(radios, (radio) => {
    const text = radio.closest("label")?.textContent.trim() ?? "";
    return [radio.value, text];
  }));
  const sync = () => {
    const chosen = document.querySelector('input[name="kind"]:checked');
    const label = chosen ? labels.get(chosen.value) : null;
    for (const group of groups) {
      const match = label === null || group.label === label;
      group.hidden = !match;
      group.disabled = !match;
      if (!match && group.contains(select.selectedOptions[0])) select.value = "";
    }
  };
  radios.forEach((radio) => radio.addEventListener("change", sync));
  sync();
});
