// Roles: updates the recompute's progress without a reload while users wait for their roles.
// The page works without this file (a reload shows the same progress).
"use strict";

const box = document.querySelector("[data-progress-url]");
const POLL_MS = 2000;

async function poll() {
  try {
    const res = await fetch(box.dataset.progressUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    // Signed out (the gate answers with the sign-in page): stop; a reload signs in again.
    if (!res.ok || !res.headers.get("Content-Type")?.includes("application/json")) return;
    const p = await res.json();
    const total = Math.max(p.total ?? p.pending, 1);
    const done = Math.max(0, total - p.pending);
    const bar = box.querySelector("progress");
    bar.max = total;
    bar.value = p.pending > 0 ? done : total;
    const text =
      p.pending > 0
        ? `Recomputing: ${done.toLocaleString("en")} of ${total.toLocaleString("en")} users done, ${p.pending.toLocaleString("en")} waiting.`
        : "Every user's roles are up to date.";
    const line = box.querySelector("[data-progress-text]");
    if (line.textContent !== text) line.textContent = text;
    if (p.pending === 0) return;
  } catch {
    // Offline for a moment: try again at the next tick.
  }
  setTimeout(poll, POLL_MS);
}

if (box) setTimeout(poll, POLL_MS);
