// Connect Entra ID: ticks the live steps without a reload. The page works without this file
// (a reload shows the same state): the status route sends the sentences the page renders.
"use strict";

const list = document.querySelector("ol.steps[data-status-url]");
const POLL_MS = 2000;

function apply(state) {
  for (const step of state.steps) {
    const item = list.querySelector(`[data-step="${step.id}"]`);
    if (!item) continue;
    const status = item.querySelector("[data-status]");
    // Only a change is written: an aria-live region re-read every 2 s would drown a screen reader.
    if (status && status.textContent !== step.text) status.textContent = step.text;
    const warning = item.querySelector("[data-warning]");
    if (warning && warning.textContent !== (step.warning ?? "")) {
      warning.textContent = step.warning ?? "";
      warning.hidden = !step.warning;
    }
    if (item.classList.contains("done") === step.done) continue;
    item.classList.toggle("done", step.done);
    const badge = item.querySelector("[data-badge]");
    if (badge) {
      badge.textContent = step.done ? "Done" : "Waiting";
      badge.classList.toggle("st-active", step.done);
      badge.classList.toggle("st-waiting", !step.done);
    }
    const n = item.querySelector(".step-n");
    if (n) n.textContent = step.done ? "✓" : n.dataset.n;
  }
}

async function poll() {
  try {
    const res = await fetch(list.dataset.statusUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    // Signed out (the gate answers with the sign-in page): stop; a reload signs in again.
    if (!res.ok || !res.headers.get("Content-Type")?.includes("application/json")) return;
    const state = await res.json();
    apply(state);
    if (!state.open) return;
  } catch {
    // Offline for a moment: try again at the next tick.
  }
  setTimeout(poll, POLL_MS);
}

if (list) {
  // The answer to "Create …" shows a secret once: a reload there would post again and replace
  // it, so the address becomes the page's own, where a reload shows the state without the secret.
  const page = list.dataset.statusUrl.replace(/\/status$/, "");
  if (window.location.pathname !== page) window.history.replaceState(null, "", page);
  setTimeout(poll, POLL_MS);
}
