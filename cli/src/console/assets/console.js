// The trainer console's script: turns an editor form into the document's JSON, checks it as the
// trainer types (the server runs the core's validator), saves, previews, publishes. No framework.
"use strict";

const session = document.querySelector('meta[name="console-session"]').content;

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Console-Session": session },
    body: JSON.stringify(body),
  });
  const type = response.headers.get("Content-Type") || "";
  const data = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) {
    throw new Error(typeof data === "string" ? data : data.error || response.statusText);
  }
  return data;
}

// ---- form <-> JSON -------------------------------------------------------------------------

function ownedBy(el, scope) {
  const owner = el.parentElement.closest("[data-item], form");
  return owner === scope;
}

function valueOf(el) {
  const type = el.dataset.type || "text";
  if (type === "checks") {
    return [...el.querySelectorAll("input[type=checkbox]:checked")].map((c) => c.value);
  }
  const raw = el.value;
  switch (type) {
    case "optional":
      return raw.trim() === "" ? null : raw;
    case "csv":
      return raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
    case "int": {
      const n = parseInt(raw, 10);
      return Number.isNaN(n) ? null : n;
    }
    case "number": {
      if (raw.trim() === "") return null;
      const n = Number(raw);
      return Number.isNaN(n) ? raw : n;
    }
    default:
      return raw;
  }
}

// Collects the fields and lists directly inside `scope`, giving each input its validator path.
function collect(scope, prefix) {
  const out = {};
  for (const el of scope.querySelectorAll("[data-field]")) {
    if (!ownedBy(el, scope)) continue;
    const name = el.dataset.field;
    el.dataset.path = prefix + name;
    out[name] = valueOf(el);
  }
  for (const list of scope.querySelectorAll("[data-list]")) {
    if (!ownedBy(list, scope)) continue;
    const name = list.dataset.list;
    list.dataset.path = prefix + name;
    const items = [...list.children].filter((c) => c.hasAttribute("data-item"));
    out[name] = items.map((item, i) => {
      const path = `${prefix}${name}[${i}]`;
      if (list.hasAttribute("data-scalar")) {
        const input = item.querySelector("[data-field]");
        input.dataset.path = path;
        return valueOf(input);
      }
      const value = collect(item, path + ".");
      if (item.dataset.src) value._src = JSON.parse(item.dataset.src);
      return value;
    });
  }
  return out;
}

function editorJson() {
  const form = document.getElementById("editor");
  return { kind: form.dataset.kind, ...collect(form, "") };
}

// ---- list buttons --------------------------------------------------------------------------

function renumber(form) {
  for (const list of form.querySelectorAll("[data-list]")) {
    const items = [...list.children].filter((c) => c.hasAttribute("data-item"));
    items.forEach((item, i) => {
      const title = item.querySelector(":scope > .item-head > .item-title");
      if (title) title.textContent = `${title.dataset.base} ${i + 1}`;
    });
  }
}

// The form's own (top-level) input for `name`, e.g. the document's revision.
function topField(form, name) {
  return [...form.querySelectorAll(`[data-field="${name}"]`)].find((el) => ownedBy(el, form));
}

// Appends a new item to the list `target` beside `button` (its template is beside it too, or is
// the page's one shared template for that list) and returns it.
function addItem(button, target) {
  const holder = button.closest("fieldset, [data-item], form");
  const list = holder.querySelector(`:scope [data-list="${target}"]`);
  const template = holder.querySelector(`:scope > template[data-template="${target}"]`)
    || document.querySelector(`template[data-shared][data-template="${target}"]`);
  const item = template.content.firstElementChild.cloneNode(true);
  list.appendChild(item);
  renumber(document.getElementById("editor"));
  return item;
}

// A new change note is for the document's revision (the one being written), dated today.
function prefillChange(item, revision, today) {
  item.querySelector('[data-field="revision"]').value = revision;
  item.querySelector('[data-field="date"]').value = today;
}

function onListButton(event) {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const action = button.dataset.action;
  const form = document.getElementById("editor");
  if (action === "new-revision") {
    // Raise the revision, date the edit today, and ask for the change note of the new revision.
    const revision = topField(form, "revision");
    const next = (parseInt(revision.value, 10) || 1) + 1;
    revision.value = next;
    const today = button.dataset.today;
    const updated = topField(form, "updated_at");
    if (updated) updated.value = today;
    const item = addItem(button, "changes");
    prefillChange(item, next, today);
    item.querySelector('[data-field="note"]').focus();
  } else if (action === "add") {
    const item = addItem(button, button.dataset.target);
    if (button.dataset.target === "changes") {
      const revision = topField(form, "revision");
      const today = form.querySelector("[data-today]").dataset.today;
      prefillChange(item, revision ? revision.value : "", today);
    }
    const first = item.querySelector("input, textarea, select");
    if (first) first.focus();
  } else {
    const item = button.closest("[data-item]");
    if (action === "remove") {
      const next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      if (next && next.querySelector) (next.querySelector("button, input") || next).focus();
    } else if (action === "up" && item.previousElementSibling) {
      item.parentElement.insertBefore(item, item.previousElementSibling);
      button.focus();
    } else if (action === "down" && item.nextElementSibling && item.nextElementSibling.hasAttribute("data-item")) {
      item.parentElement.insertBefore(item.nextElementSibling, item);
      button.focus();
    }
    renumber(document.getElementById("editor"));
  }
  scheduleCheck();
}

// ---- checks as you type --------------------------------------------------------------------

let timer = null;
function scheduleCheck() {
  clearTimeout(timer);
  timer = setTimeout(runCheck, 300);
}

function fieldFor(form, path) {
  let el = form.querySelector(`[data-path="${CSS.escape(path)}"]`);
  if (!el) el = form.querySelector(`[data-path="${CSS.escape(path.replace(/\[\d+\]$/, ""))}"]`);
  // A problem with a whole list (no authors, a dangling link): its first input, else its add button.
  if (el && el.hasAttribute("data-list")) {
    el = el.querySelector("input, select, textarea")
      || el.parentElement.querySelector(":scope > button[data-action=add], :scope > .row > button[data-action=add]");
  }
  return el;
}

function showProblems(form, problems) {
  for (const old of form.querySelectorAll(".field-problem")) old.remove();
  for (const el of form.querySelectorAll("[aria-invalid]")) {
    el.removeAttribute("aria-invalid");
    el.removeAttribute("aria-describedby");
  }
  const panel = document.getElementById("problems");
  panel.innerHTML = "";
  const heading = document.getElementById("check-state");
  heading.textContent = problems.length === 0 ? "No problems: this document is ready to publish." : `${problems.length} problem(s)`;
  heading.className = problems.length === 0 ? "ok" : "bad";
  problems.forEach((p, i) => {
    const li = document.createElement("li");
    const el = fieldFor(form, p.field);
    const text = `${p.field}: ${p.message}`;
    if (el) {
      const link = document.createElement("button");
      link.type = "button";
      link.className = "link";
      link.textContent = text;
      link.addEventListener("click", () => el.focus());
      li.appendChild(link);
      const note = document.createElement("p");
      note.className = "field-problem";
      note.id = `problem-${i}`;
      note.textContent = p.message;
      el.setAttribute("aria-invalid", "true");
      el.setAttribute("aria-describedby", note.id);
      (el.closest("label") || el).insertAdjacentElement("afterend", note);
    } else {
      li.textContent = text;
    }
    const where = document.createElement("code");
    where.textContent = p.display;
    li.appendChild(document.createElement("br"));
    li.appendChild(where);
    panel.appendChild(li);
  });
}

async function runCheck() {
  const form = document.getElementById("editor");
  const doc = editorJson();
  try {
    const answer = await post("/api/check", { path: form.dataset.path, doc });
    showProblems(form, answer.problems);
    const grid = document.getElementById("hours-grid");
    if (grid) grid.innerHTML = answer.hours || "";
    const body = document.getElementById("body-preview");
    if (body) body.innerHTML = answer.body || "";
  } catch (e) {
    document.getElementById("check-state").textContent = `Could not check: ${e.message}`;
  }
}

// ---- save, preview, document actions -------------------------------------------------------

function say(id, text, good) {
  const el = document.getElementById(id);
  el.textContent = text;
  el.className = good ? "status ok" : "status bad";
}

async function save() {
  const form = document.getElementById("editor");
  try {
    const answer = await post("/api/save", { path: form.dataset.path, version: form.dataset.version, doc: editorJson() });
    form.dataset.version = answer.version;
    showProblems(form, answer.problems);
    say("save-status", answer.changed ? `Saved ${form.dataset.path}.` : "No changes to save.", true);
  } catch (e) {
    say("save-status", `Not saved: ${e.message}`, false);
  }
}

async function preview(audience) {
  const form = document.getElementById("editor");
  const target = document.getElementById("preview");
  try {
    target.innerHTML = await post("/api/preview", { path: form.dataset.path, doc: editorJson(), audience });
  } catch (e) {
    target.textContent = `No preview: ${e.message}`;
  }
}

async function documentAction(kind, body, confirmText) {
  if (confirmText && !window.confirm(confirmText)) return;
  try {
    const answer = await post(`/api/${kind}`, body);
    window.location.href = answer.path ? `/doc?path=${encodeURIComponent(answer.path)}` : "/";
  } catch (e) {
    say("action-status", e.message, false);
  }
}

// ---- publish and field answers -------------------------------------------------------------

async function publishStep(step) {
  const target = document.getElementById("publish-result");
  target.setAttribute("aria-busy", "true");
  target.textContent = step === "diff" ? "Comparing with the server…" : "Working…";
  try {
    target.innerHTML = await post(`/api/publish/${step}`, {});
  } catch (e) {
    target.textContent = e.message;
  }
  target.removeAttribute("aria-busy");
}

async function resolveItem(button) {
  try {
    await post("/api/feedback/resolve", { channel: button.dataset.channel, id: button.dataset.id });
    const row = button.closest("tr");
    row.classList.add("resolved");
    button.replaceWith(Object.assign(document.createElement("span"), { textContent: "Resolved" }));
  } catch (e) {
    say("feedback-status", e.message, false);
  }
}

// ---- wiring --------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("editor");
  if (form) {
    renumber(form);
    form.addEventListener("input", scheduleCheck);
    form.addEventListener("change", scheduleCheck);
    form.addEventListener("click", onListButton);
    form.addEventListener("submit", (e) => { e.preventDefault(); save(); });
    document.addEventListener("keydown", (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === "s") { e.preventDefault(); save(); }
    });
    for (const b of document.querySelectorAll("[data-preview]")) {
      b.addEventListener("click", () => preview(b.dataset.preview));
    }
    const path = form.dataset.path;
    const dup = document.getElementById("duplicate");
    if (dup) dup.addEventListener("click", () => {
      const id = document.getElementById("duplicate-id").value.trim();
      documentAction("duplicate", { path, id });
    });
    const del = document.getElementById("delete");
    if (del) del.addEventListener("click", () => documentAction("delete", { path }, `Delete ${path}? The file is removed.`));
    runCheck();
  }
  const create = document.getElementById("create-form");
  if (create) create.addEventListener("submit", (e) => {
    e.preventDefault();
    documentAction("new", { kind: create.elements.kind.value, id: create.elements.id.value.trim() });
  });
  for (const b of document.querySelectorAll("[data-publish]")) {
    b.addEventListener("click", () => {
      if (b.dataset.publish === "run" && !window.confirm("Sign and upload this release to the server?")) return;
      publishStep(b.dataset.publish);
    });
  }
  document.addEventListener("click", (e) => {
    const b = e.target.closest("button[data-resolve]");
    if (b) resolveItem(b);
  });
});
