// The Cohort Builder's live count: an enhancement only, the builder's
// form works without it. As the criteria's fields change, the form is
// posted to the results endpoint (debounced), and a newer change cancels
// the request still running.
"use strict";
(() => {
  const form = document.getElementById("builder");
  const out = document.getElementById("results");
  if (!form || !out || !form.dataset.results) return;
  const wait = 400;
  let timer = 0;
  let running = null;
  const refresh = () => {
    if (running) running.abort();
    const ctl = new AbortController();
    running = ctl;
    out.setAttribute("aria-busy", "true");
    fetch(form.dataset.results, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin",
      signal: ctl.signal,
    })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error("status " + r.status))))
      .then((html) => {
        out.innerHTML = html;
        out.removeAttribute("aria-busy");
        // How many times the count was refreshed: tests wait on it.
        out.dataset.updates = String(Number(out.dataset.updates || 0) + 1);
      })
      .catch((e) => {
        if (e.name === "AbortError") return;
        out.removeAttribute("aria-busy");
        out.dataset.error = e.message;
      })
      .finally(() => {
        if (running === ctl) running = null;
      });
  };
  const changed = (e) => {
    if (!e.target.closest(".groups")) return;
    clearTimeout(timer);
    timer = setTimeout(refresh, wait);
  };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
})();
