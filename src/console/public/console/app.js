// Progressive enhancement for the SCIM console: every page works without this file.
"use strict";

// Copy buttons: shown only when the Clipboard API can work.
for (const button of document.querySelectorAll("button[data-copy]")) {
  const input = document.getElementById(button.dataset.copy);
  if (!input || !navigator.clipboard) continue;
  button.hidden = false;
  button.setAttribute("aria-label", `Copy ${input.labels?.[0]?.textContent ?? "value"}`);
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(input.value);
      button.textContent = "Copied";
    } catch {
      input.select();
      button.textContent = "Press Ctrl+C";
    }
    setTimeout(() => (button.textContent = "Copy"), 2000);
  });
}

// Settings: the preview follows the templates as they are typed (the server renders it).
const form = document.querySelector("form[data-preview]");
if (form) {
  const region = document.getElementById(form.dataset.preview);
  let timer;
  let seq = 0;
  const refresh = async () => {
    const mine = ++seq;
    const body = new FormData(form);
    body.set("action", "preview");
    try {
      // form.action would be the <button name="action"> (a named control shadows the property).
      const url = form.getAttribute("action") || window.location.pathname;
      const res = await fetch(url, { method: "POST", body, credentials: "same-origin" });
      const doc = new DOMParser().parseFromString(await res.text(), "text/html");
      const next = doc.getElementById(form.dataset.preview);
      if (next && mine === seq) region.replaceChildren(...next.childNodes);
      for (const field of ["inviteSubject", "inviteBody", "previewUser"]) {
        const mineField = document.getElementById(field)?.closest(".field");
        const theirs = doc.getElementById(field)?.closest(".field");
        if (!mineField || !theirs || mine !== seq) continue;
        mineField.querySelector(".error")?.remove();
        const error = theirs.querySelector(".error");
        if (error) mineField.append(error);
        mineField.classList.toggle("invalid", !!error);
      }
    } catch {
      // Offline or signed out: the Preview button still works.
    }
  };
  form.addEventListener("input", (e) => {
    if (!["inviteSubject", "inviteBody", "previewUser"].includes(e.target.id)) return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 350);
  });
}

// Users: a "select all on this page" box in the selection column's header.
const head = document.querySelector("table.users thead th.check");
if (head) {
  const all = document.createElement("input");
  all.type = "checkbox";
  all.setAttribute("aria-label", "Select every user on this page");
  head.append(all);
  all.addEventListener("change", () => {
    for (const box of document.querySelectorAll('table.users tbody input[type="checkbox"]')) box.checked = all.checked;
  });
}

// The navigation's Setup menu (a <details>): Escape or a click elsewhere closes it, as menus do.
for (const menu of document.querySelectorAll("details.menu")) {
  menu.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || !menu.open) return;
    menu.open = false;
    menu.querySelector("summary")?.focus();
  });
  document.addEventListener("click", (e) => {
    if (menu.open && !menu.contains(e.target)) menu.open = false;
  });
}

// Users: "Delete selected for good…" shows only while a user is selected (without script it stays).
const selection = document.querySelector("[data-needs-selection]");
if (selection) {
  const boxes = document.querySelectorAll(selection.dataset.needsSelection);
  const update = () => (selection.hidden = ![...boxes].some((b) => b.checked));
  for (const box of boxes) box.addEventListener("change", update);
  document.querySelector("table.users thead th.check input")?.addEventListener("change", update);
  update();
}
