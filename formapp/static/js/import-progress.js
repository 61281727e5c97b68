// The Excel import's progress (issue 21): the page asks the import's status about twice a
// second and shows it; once the import is done (or refused) the page is loaded again and shows
// the result. Without this script the page offers a link that shows the same.
"use strict";
(() => {
  const box = document.querySelector("[data-import-status]");
  if (!box) return;
  const url = box.dataset.importStatus;
  const bar = box.querySelector("progress");
  const text = box.querySelector(".import-progress-text");
  let failures = 0;

  async function ask() {
    try {
      const response = await fetch(url, {credentials: "same-origin", cache: "no-store",
                                         headers: {Accept: "application/json"}});
      if (!response.ok) throw new Error(String(response.status));
      const status = await response.json();
      failures = 0;
      if (bar) bar.value = status.percent;
      if (text && status.text && text.textContent !== status.text) text.textContent = status.text;
      if (status.state !== "running") {
        window.location.reload();
        return;
      }
    } catch (error) {
      failures += 1;
      if (failures >= 10) {  // the server is gone for a while: the page itself says more
        window.location.reload();
        return;
      }
    }
    window.setTimeout(ask, 500);
  }

  window.setTimeout(ask, 300);
})();
