// The operator's review page (SPEC §7.4): the decision log, one-click annotations, readiness, the mode.
// Plain ES2020, no framework, nothing fetched but this server's own API. Every text from the API goes
// into the page through textContent, never as HTML.
"use strict";

const PAGE = 50;
const LIVE_MS = 15000; // how often the page refreshes itself
const DECISIONS = ["continue", "allow", "escalate", "force_allow"];
const VERDICT_KEYS = { c: "correct", i: "incorrect", u: "unclear" };
const VERDICT_MARKS = { correct: "✓", incorrect: "✗", unclear: "?" }; // a check mark only for "correct"
const KEY_TOKEN = "stopwarden.token";
const KEY_OPERATOR = "stopwarden.operator";
const SVG = "http://www.w3.org/2000/svg";

const $ = (id) => document.getElementById(id);
const state = {
  token: sessionStorage.getItem(KEY_TOKEN) || "",
  operator: sessionStorage.getItem(KEY_OPERATOR) || "",
  events: [],
  offset: 0,
  hasMore: false,
  selected: -1,
  shownId: null, // the event in the detail pane
  shownAt: 0, // performance.now() when the selected event was shown: the start of the dwell
  verdict: "",
  saving: false, // a verdict on its way to the server
  filters: { decision: "", session: "", project: "", host: "", annotated: "" },
  mode: "",
  kill: false,
  loads: 0, // the latest log request: an older answer arriving late is dropped
  refreshed: 0, // performance.now() of the latest refresh
};

// --- the API ------------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, error, detail) {
    super(detail);
    this.status = status;
    this.error = error;
    this.detail = detail;
  }
}

async function api(method, path, body, token = state.token) {
  // No token for POST /signin: the code it sends is the credential.
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store",
    });
  } catch (e) {
    throw new ApiError(0, "unreachable", "cannot reach the stopwarden server (is it running? `stopwarden status`)");
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch (e) {
    data = null;
  }
  if (!response.ok) {
    const detail = data && data.detail !== undefined ? data.detail : text.slice(0, 300) || response.statusText;
    throw new ApiError(response.status, (data && data.error) || `http ${response.status}`,
      typeof detail === "string" ? detail : JSON.stringify(detail));
  }
  return data;
}

function describe(err) {
  return err instanceof ApiError ? `${err.error}: ${err.detail}` : String(err);
}

// A refused token anywhere sends the operator back to the sign-in form, with the server's reason.
function guard(err) {
  if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
    signOut(`The server refused the token (${describe(err)}).`);
    return true;
  }
  return false;
}

// --- small DOM helpers -----------------------------------------------------------------------------------

// What the API holds came from agents, repositories and operators: a control character, a bidi override
// or isolate, an invisible format character is shown as the escape that names it, as the CLI shows it
// (common/termsafe.py), so that no text reorders or hides what an operator reads before a verdict. Line
// breaks and tabs stay; so do the zero-width (non-)joiners that emoji and Persian or Indic words need.
const UNSAFE = /(?![\n\t\u200c\u200d])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

function visible(value) {
  return String(value).replace(UNSAFE, (char) => {
    const code = char.codePointAt(0);
    if (code < 0x100) return `\\x${code.toString(16).padStart(2, "0")}`;
    return code < 0x10000 ? `\\u${code.toString(16).padStart(4, "0")}` : `\\U${code.toString(16).padStart(8, "0")}`;
  });
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = visible(value);
    else if (key === "title" || key === "aria-label") node.setAttribute(key, visible(value));
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(typeof child === "string" ? visible(child) : child);
  }
  return node;
}

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = visible(text);
  return node;
}

function show(node, message, kind) {
  node.hidden = !message;
  node.textContent = visible(message || "");
  if (kind) node.dataset.kind = kind;
}

let flashTimer = 0;
function flash(message, kind = "ok") {
  const node = $("flash");
  show(node, message, kind);
  node.setAttribute("role", kind === "error" ? "alert" : "status");
  clearTimeout(flashTimer);
  if (kind !== "error") flashTimer = setTimeout(() => show(node, ""), 6000);
}

// Times, for people: the operator's local time, with its zone (the API carries UTC ISO 8601 strings). The
// list, the event, the operator log and the chart's days all follow it: a day is a local calendar day, from
// local midnight to local midnight, so a time listed as "12-02 23:59" is counted in the chart's 12-02.
const pad = (n) => String(n).padStart(2, "0");
const dayName = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
function offset(d) {
  const minutes = -d.getTimezoneOffset();
  return `UTC${minutes < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}
function zone() {
  const name = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return name && name !== "UTC" ? `${name}, ${offset(new Date())}` : offset(new Date());
}
function when(iso, short = false) {
  const d = new Date(iso);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return short ? `${dayName(d).slice(5)} ${time}` : `${dayName(d)} ${time}:${pad(d.getSeconds())} ${offset(d)}`;
}

// The starts of the last `count` local days, today's last. A calendar step, not 86,400 s: a day across a
// daylight-saving change lasts 23 or 25 hours.
function localDays(count) {
  const now = new Date();
  const days = [];
  for (let back = count - 1; back >= 0; back -= 1) {
    days.push(new Date(now.getFullYear(), now.getMonth(), now.getDate() - back));
  }
  return days;
}
const num = (v) => (v === null || v === undefined ? "–" : Number.isInteger(v) ? String(v) : Number(v).toFixed(2));
const badge = (decision) => el("span", { class: `badge d-${decision}`, text: decision });

// --- signing in and out ----------------------------------------------------------------------------------

async function signIn(event) {
  event.preventDefault();
  const token = $("token").value.trim();
  const operator = $("operator").value.trim();
  show($("login-error"), "");
  try {
    await api("GET", "/v1/mode", undefined, token);
  } catch (err) {
    show($("login-error"), `Sign-in failed. ${describe(err)}`, "error");
    $("token").select();
    return;
  }
  $("token").value = "";
  remember(token, operator);
  start();
}

// The token and the operator's name, for this tab only (sessionStorage).
function remember(token, operator) {
  state.token = token;
  state.operator = operator;
  sessionStorage.setItem(KEY_TOKEN, token);
  sessionStorage.setItem(KEY_OPERATOR, operator);
}

// A link from `stopwarden open` carries a one-time code (and the operator's name) in its fragment, which no
// request or log line ever holds: trade it for the token once, then drop it from the address bar.
async function signInByLink() {
  const link = new URLSearchParams(location.hash.slice(1));
  const code = link.get("signin");
  if (!code) return false;
  history.replaceState(null, "", location.pathname + location.search);
  const operator = (link.get("operator") || state.operator || "").trim().slice(0, 200);
  let answer;
  try {
    answer = await api("POST", "/signin", { code }, "");
  } catch (err) {
    state.operator = operator;
    signOut(`Sign-in link refused. ${describe(err)}`);
    return true;
  }
  remember(answer.token, operator);
  start(); // the link names the operator (`stopwarden open` puts the login name in when none is given)
  return true;
}

function signOut(message, kind = "error") {
  state.token = "";
  sessionStorage.removeItem(KEY_TOKEN);
  $("app").hidden = true;
  $("controls").hidden = true;
  $("mode-note").hidden = true;
  $("login").hidden = false;
  $("operator").value = state.operator;
  show($("login-error"), message || "", kind);
  show($("flash"), "");
  $("token").focus();
}

function start() {
  $("login").hidden = true;
  $("app").hidden = false;
  $("controls").hidden = false;
  $("who").textContent = visible(`as ${state.operator}`);
  state.refreshed = performance.now();
  loadSettings();
  loadEvents();
  loadReport();
}

// --- the mode and the kill switch ----------------------------------------------------------------------

const SETTINGS_UNREAD = "Could not read the gate's settings.";

async function loadSettings() {
  try {
    const [mode, kill] = await Promise.all([api("GET", "/v1/mode"), api("GET", "/v1/kill-switch")]);
    renderMode(mode);
    renderKill(kill);
  } catch (err) {
    if (!guard(err)) flash(`${SETTINGS_UNREAD} ${describe(err)}`, "error");
    return; // a refused token is not sent again (guard has forgotten it)
  }
  // Read again: an error about reading them no longer holds (an error flash stays until replaced).
  if ($("flash").textContent.startsWith(SETTINGS_UNREAD)) show($("flash"), "");
  loadStatus();
}

// The authority and its breaker, where the mode comes from, today's decisions; and, as warnings, what
// would make the gate allow every stop without saying so (an authority without credentials, an open
// breaker) or a committed config that asks for another mode. The same answer as `gate status`.
async function loadStatus() {
  let status;
  try {
    status = await api("GET", "/v1/status");
  } catch (err) {
    if (!guard(err)) show($("gate-warnings"), `Could not read the gate's status. ${describe(err)}`, "error");
    return;
  }
  const today = Object.entries(status.today).sort().map(([d, n]) => `${d} ${n}`).join(", ") || "none";
  let breaker = status.breaker;
  if (status.breaker !== "closed") breaker += ` (${status.breaker_failures} failures in a row)`;
  $("gate-state").textContent = visible(
    `authority ${status.authority} · breaker ${breaker} · mode ${status.mode}: ${status.mode_source.says} · ` +
      `decisions today: ${today}`,
  );
  $("gate-state").hidden = false;
  const warnings = status.unapproved.map((p) => `${p}.`);
  warnings.push(...status.authority_problems.map((p) => `The authority cannot be called: ${p}; stops fail open.`));
  if (status.breaker !== "closed") {
    const last = status.last_failure;
    const why = last ? `, last failure ${last.kind} at ${when(last.ts)}` : "";
    warnings.push(`The breaker is ${status.breaker}${why}: stops are allowed without asking the authority.`);
  }
  if (status.mode_source.note) warnings.push(`Note: ${status.mode_source.note}.`);
  show($("gate-warnings"), warnings.join(" "), "error");
}

function renderMode(mode) {
  state.mode = mode.mode;
  for (const button of document.querySelectorAll("[data-mode]")) {
    button.setAttribute("aria-pressed", String(button.dataset.mode === mode.mode));
  }
  // A change made here applies to every project sharing the store (scope *); a project's own mode wins.
  const notes = [];
  if (mode.forced_reason) notes.push(`enforce was forced before readiness: “${mode.forced_reason}”`);
  if (mode.mode_scope && mode.mode_scope !== "*") {
    notes.push(`this mode is project ${mode.mode_scope}'s own; the buttons set every project's (scope *)`);
  }
  const note = $("mode-note");
  note.hidden = !notes.length;
  note.textContent = visible(notes.join(" · "));
}

function renderKill(kill) {
  state.kill = kill.value;
  const button = $("kill");
  button.setAttribute("aria-pressed", String(kill.value));
  button.querySelector("b").textContent = visible(kill.value ? "ON" : "off");
  button.title = visible(kill.value ? `every stop is allowed${kill.reason ? `: ${kill.reason}` : ""}` : "the gate judges stops");
}

// A reason from the operator, in a modal dialog; null when cancelled.
function ask({ title, detail, label, confirm, required }) {
  const dialog = $("ask");
  $("ask-h").textContent = visible(title);
  show($("ask-detail"), detail);
  $("ask-label").textContent = visible(label);
  $("ask-ok").textContent = visible(confirm);
  const input = $("ask-reason");
  input.value = "";
  input.required = required;
  dialog.returnValue = "";
  dialog.showModal();
  input.focus();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok" ? input.value.trim() : null),
      { once: true });
  });
}

// What a change of mode did here: the page sets every project's mode (*), and a project's own mode wins
// over it, so the mode in force here may be another (said, rather than "Mode is now ...").
function modeChanged(wanted, answer, forced) {
  if (answer.mode === wanted) return [`Mode is now ${wanted}${forced ? " (forced)" : ""}.`, "ok"];
  return [`Every project's mode (*) is now ${wanted}, but this project keeps its own ${answer.mode} ` +
    `(set for ${answer.mode_scope}): change it with \`stopwarden gate mode ${wanted} --scope ` +
    `${answer.mode_scope}\`.`, "error"];
}

async function setMode(mode) {
  if (mode === state.mode) return;
  try {
    const answer = await api("PUT", "/v1/mode", { mode });
    renderMode(answer);
    flash(...modeChanged(mode, answer, false));
  } catch (err) {
    if (guard(err)) return;
    if (!(err.status === 409 && mode === "enforce")) {
      flash(`Mode unchanged. ${describe(err)}`, "error");
      return;
    }
    const reason = await ask({
      title: "Not ready for enforce",
      detail: err.detail,
      label: "Force it anyway? Say why (recorded in the operator log):",
      confirm: "Force enforce",
      required: true,
    });
    if (!reason) {
      flash(`Mode unchanged: ${err.detail}`, "error");
      return;
    }
    try {
      const answer = await api("PUT", "/v1/mode", { mode, force: reason });
      renderMode(answer);
      flash(...modeChanged(mode, answer, true));
    } catch (again) {
      if (!guard(again)) flash(`Mode unchanged. ${describe(again)}`, "error");
    }
  }
  loadReport();
  loadStatus();
}

async function toggleKill() {
  const value = !state.kill;
  let reason = "";
  if (value) {
    reason = await ask({
      title: "Turn the kill switch on?",
      detail: "Every stop is allowed until it is turned off again, whatever the mode.",
      label: "Reason (optional, recorded):",
      confirm: "Turn on",
      required: false,
    });
    if (reason === null) return;
  }
  try {
    renderKill(await api("PUT", "/v1/kill-switch", { value, reason }));
    flash(`Kill switch ${value ? "on: every stop is allowed" : "off"}.`);
  } catch (err) {
    if (!guard(err)) flash(`Kill switch unchanged. ${describe(err)}`, "error");
  }
  loadReport();
  loadStatus();
}

// --- the decision log ------------------------------------------------------------------------------------

// `keep`: the event on screen stays selected, with its draft, verdict and dwell, and its row where it was on
// the screen, whatever arrived above it. `live` (the page refreshing itself): if that event would leave the
// page, or the log cannot be read, the list stays as it is until the operator moves on or reloads.
async function loadEvents(keep = false, live = false) {
  const params = new URLSearchParams({ limit: String(PAGE + 1), offset: String(state.offset) });
  for (const [key, value] of Object.entries(state.filters)) if (value) params.set(key, value);
  const load = ++state.loads;
  let events = [];
  try {
    events = await api("GET", `/v1/events?${params}`);
    if (load !== state.loads) return;
    show($("log-error"), "");
  } catch (err) {
    if (guard(err) || load !== state.loads) return;
    show($("log-error"), `Could not load the log. ${describe(err)}`);
    if (live) return;
  }
  // The selection as it is now, not as it was when the request left: the operator may have moved meanwhile.
  const selectedId = keep ? state.shownId : null;
  const page = events.slice(0, PAGE);
  if (live && selectedId !== null && !page.some((e) => e.event_id === selectedId)) return;
  state.hasMore = events.length > PAGE; // one more than a page was asked for: is there a next page?
  state.events = page;
  const list = $("events");
  const old = selectedId === null ? null : document.getElementById(`ev-${selectedId}`);
  const top = old ? old.getBoundingClientRect().top : null;
  const focused = Boolean(document.activeElement && document.activeElement.closest("#events"));
  renderEvents();
  const again = state.events.findIndex((e) => e.event_id === selectedId);
  if (again >= 0 && top !== null) {
    const row = list.children[again];
    list.scrollTop += row.getBoundingClientRect().top - top;
    const left = row.getBoundingClientRect().top - top;
    if (Math.abs(left) >= 1 && getComputedStyle(list).overflowY === "visible") window.scrollBy(0, left); // narrow: the page scrolls, not the list
  }
  select(again, focused && again >= 0);
}

function renderEvents() {
  const list = $("events");
  list.replaceChildren(...state.events.map((event, index) => {
    const note = event.annotation;
    const row = el("li", { id: `ev-${event.event_id}`, role: "option", "aria-selected": "false", tabindex: "-1",
      "data-index": String(index), class: event.counts === false ? "event uncounted" : "event",
      // Decided without the authority's verdict (a short-circuit, a failure): a verdict on it moves nothing.
      title: event.counts === false ? "not counted toward readiness" : undefined },
    el("span", { class: "ev-time", text: when(event.ts, true), title: when(event.ts) }),
    badge(event.decision),
    el("span", { class: "ev-rule", text: event.rule || event.fail_open_kind || event.short_circuit || "" }),
    el("span", { class: `ev-note${note ? ` v-${note.verdict}` : ""}`, text: note ? `${VERDICT_MARKS[note.verdict] || ""} ${note.verdict}`.trim() : "not annotated" }),
    el("span", { class: "ev-text", text: event.stop_text_preview || "(no stop text)" }),
    el("span", { class: "ev-meta",
      text: `#${event.event_id} · ${event.project}@${event.host} · ${event.session_id} · ${event.mode}` }));
    return row;
  }));
  show($("log-empty"), state.events.length ? "" : "No events match these filters.");
  $("prev").disabled = state.offset === 0;
  $("next").disabled = !state.hasMore;
  $("page-info").textContent = visible(state.events.length
    ? `${state.offset + 1}–${state.offset + state.events.length}` : "");
}

function select(index, focus = true) {
  const rows = $("events").children;
  if (index < 0 || index >= state.events.length) {
    state.selected = -1;
    renderDetail(null);
    if (rows.length) rows[0].tabIndex = 0;
    return;
  }
  state.selected = index;
  for (const row of rows) {
    const on = Number(row.dataset.index) === index;
    row.setAttribute("aria-selected", String(on));
    row.tabIndex = on ? 0 : -1;
  }
  if (focus) {
    rows[index].focus({ preventScroll: true });
    rows[index].scrollIntoView({ block: "nearest" });
  }
  // The same event after a refresh keeps its form and its dwell.
  if (state.events[index].event_id !== state.shownId) renderDetail(state.events[index]);
}

function move(delta) {
  if (!state.events.length) return;
  const next = state.selected < 0 ? 0 : Math.min(state.events.length - 1, Math.max(0, state.selected + delta));
  select(next);
}

function page(delta) {
  const offset = state.offset + delta * PAGE;
  if (offset < 0 || (delta > 0 && !state.hasMore)) return;
  state.offset = offset;
  state.selected = -1;
  loadEvents();
}

function applyFilters(event) {
  if (event) event.preventDefault();
  const form = $("filters");
  state.filters = {
    decision: form.elements.decision.value,
    session: form.elements.session.value.trim(),
    project: form.elements.project.value.trim(),
    host: form.elements.host.value.trim(),
    annotated: form.elements.annotated.value,
  };
  state.offset = 0;
  state.selected = -1;
  loadEvents();
}

// --- one event and its annotation ----------------------------------------------------------------------

function renderDetail(event) {
  $("detail-empty").hidden = Boolean(event);
  $("detail-body").hidden = !event;
  state.verdict = "";
  pressVerdict("");
  show($("annotate-msg"), "");
  show($("saved"), "");
  const changed = state.shownId !== (event ? event.event_id : null);
  state.shownId = event ? event.event_id : null;
  if (!event) return;
  if (changed) $("detail").scrollTop = 0; // a new event from its head (its panel scrolls in a short window)
  state.shownAt = performance.now();
  $("rationale").value = "";
  $("detail-h").textContent = visible(`Event #${event.event_id}`);
  $("stop-text").textContent = visible(event.stop_text || event.stop_text_preview || "(no stop text)");
  const pointer = event.evidence_pointer || {};
  const sha = (s) => (s ? el("code", { text: String(s).slice(0, 12), title: String(s) }) : "—");
  const facts = [
    ["When", when(event.ts)],
    ["Decision", badge(event.decision)],
    ["Rule", event.rule || "—"],
    ["Mode", event.mode],
    ["Failed open", event.fail_open_kind || "—"],
    ["Short circuit", event.short_circuit || "—"],
    ["Counts toward readiness", event.counts === false
      ? `no: ${event.short_circuit || event.fail_open_kind} decided it, not the authority` : "yes"],
    ["Signals", event.signals && event.signals.length
      ? el("span", { class: "chips" }, ...event.signals.map((s) => el("span", { class: "chip", text: s })))
      : "none"],
    ["Plan file", pointer.plan_file ? el("code", { text: pointer.plan_file }) : "—"],
    ["Plan commit", sha(pointer.plan_commit_sha)],
    ["Progress commit", sha(pointer.incremental_commit_sha)],
    ["Session", el("span", {},
      el("code", { text: event.session_id }), " ",
      el("button", { type: "button", class: "link", "data-session": event.session_id, text: "only this session" }))],
    ["Agent", event.agent],
    ["Project", `${event.project || "—"} on ${event.host || "—"}`],
    ["Latency", `${num(event.latency_ms)} ms`],
  ];
  $("facts").replaceChildren(...facts.flatMap(([name, value]) => [el("dt", { text: name }), el("dd", {}, value)]));
  renderCurrent(event.annotation);
}

function renderCurrent(note) {
  const node = $("current-annotation");
  node.hidden = !note;
  if (!note) return;
  node.replaceChildren("Annotated ", el("b", { class: `v-${note.verdict}`, text: note.verdict }),
    ` by ${note.operator} (${when(note.created_at)}, after ${(note.dwell_ms / 1000).toFixed(1)} s): `,
    el("q", { text: note.rationale }), ". A new verdict replaces it.");
}

function pressVerdict(verdict) {
  state.verdict = verdict;
  for (const button of $("annotate").querySelectorAll("button[name=verdict]")) {
    button.setAttribute("aria-pressed", String(button.value === verdict));
  }
}

// Why a verdict was not saved, under the verdict buttons, scrolled into the panel's view: a long stop text
// must not push it below the panel's edge, out of sight.
function refuse(text) {
  const message = $("annotate-msg");
  show(message, text);
  if (text) show($("saved"), ""); // the last verdict's note is no answer to this one (a cold review)
  if (text) message.scrollIntoView({ block: "nearest" });
}

// One column on a phone: the event sits below the list, and the flash at the top of the page.
const NARROW = window.matchMedia("(max-width: 700px)");

// After a verdict, the next event and the confirmation where the operator reads: on a phone not its row in the
// list above, and wherever the flash at the top is scrolled out of sight (a short window), the confirmation at
// the event's head (an operator review, then a cold review). The flash still says it to a screen reader; this
// copy is for the eye only.
function stayOnTheEvent(confirmation) {
  if (NARROW.matches) $("detail").scrollIntoView({ block: "start" });
  if (NARROW.matches || $("flash").getBoundingClientRect().bottom <= 0) show($("saved"), confirmation, "ok");
}

// The keys go back to the list (the event's row) unless the rationale is what is missing: c i u and j k are
// shortcuts there, not letters in the box. It happens before the verdict is sent, so that a key pressed while
// it is being saved is a shortcut already.
function backToTheList() {
  const row = $("events").children[state.selected];
  if (row) row.focus({ preventScroll: true });
}

async function annotate(verdict) {
  const event = state.events[state.selected];
  if (!event || state.saving) return; // Enter pressed twice saves once
  if (!verdict) {
    backToTheList();
    refuse("Pick a verdict first: c (correct), i (incorrect) or u (unclear).");
    return;
  }
  pressVerdict(verdict);
  const rationale = $("rationale").value.trim();
  if (!rationale) {
    $("rationale").focus();
    refuse("Say why in the rationale (one line is enough), then save.");
    return;
  }
  const dwell_ms = Math.round(performance.now() - state.shownAt);
  refuse("");
  backToTheList();
  state.saving = true;
  let note;
  try {
    note = await api("POST", `/v1/events/${event.event_id}/annotations`,
      { verdict, rationale, operator: state.operator, dwell_ms });
  } catch (err) {
    if (!guard(err)) refuse(`Not saved. ${describe(err)}`);
    return;
  } finally {
    state.saving = false;
  }
  for (const e of state.events) if (e.event_id === event.event_id) e.annotation = note; // a reload meanwhile
  const saved = `Event #${event.event_id} annotated ${note.verdict} (after ${(note.dwell_ms / 1000).toFixed(1)} s).`;
  flash(saved);
  const active = document.activeElement;
  const inList = !active || active === document.body || Boolean(active.closest("#events"));
  const index = state.selected;
  renderEvents();
  if (!state.events[index] || state.events[index].event_id !== event.event_id) {
    select(index, inList); // the operator went on while it was saved: stay where they are
  } else if (index + 1 < state.events.length) {
    select(index + 1);
    stayOnTheEvent(saved);
  } else {
    select(index);
    renderDetail(state.events[index]);
    stayOnTheEvent(saved);
  }
  loadReport();
}

// --- the report: readiness, decisions per day, latency, operator log ---------------------------------------

function failedOpen(counts) {
  const kinds = Object.entries(counts || {}).sort(([a], [b]) => a.localeCompare(b));
  if (!kinds.length) return "none";
  const total = kinds.reduce((sum, [, n]) => sum + n, 0);
  return `${num(total)}: ` + kinds.map(([kind, n]) => `${kind} ${num(n)}`).join(", ");
}

async function loadReport() {
  // The last 7 days are today and the 6 before it, local days: the server counts between their starts.
  const days = localDays(7);
  const starts = days.map((d) => d.toISOString());
  let report;
  try {
    const query = new URLSearchParams({ since: starts[0], day_starts: starts.join(",") });
    report = await api("GET", `/v1/report?${query}`);
    show($("report-error"), "");
  } catch (err) {
    if (!guard(err)) show($("report-error"), `Could not load the report. ${describe(err)}`);
    return;
  }
  const ready = report.readiness;
  const readyBadge = $("ready-badge");
  readyBadge.textContent = visible(ready.ready ? "ready" : "not ready");
  readyBadge.className = `badge ${ready.ready ? "ok" : "warn"}`;
  $("checks").replaceChildren(...ready.checks.map((check) => el("li", { class: check.met ? "met" : "unmet" },
    el("span", { class: "mark", "aria-hidden": "true", text: check.met ? "✓" : "✗" }),
    el("span", { class: "sr", text: check.met ? "met: " : "not met: " }),
    el("span", { class: "check-name", text: check.name }),
    el("span", { class: "check-value", text: checkValue(check) }))));
  drawChart(days.map((d) => ({ name: dayName(d), start: d.getTime() })), report.days_by_start);
  const a = report.annotations;
  const lat = report.latency_ms;
  // A ratio over nothing is no figure: "n/a", never 0.00 (which reads as every block wrong), as `gate report`.
  const ratio = (value, over) => (over ? Number(value).toFixed(2) : "n/a");
  const stats = [
    ["Annotated", `${num(a.annotated)} (continue ${num(a.continue)}, allow ${num(a.allow)}, escalate ${num(a.escalate)})`],
    ["Precision of continue", `${ratio(a.precision, a.continue_correct + a.continue_incorrect)} ` +
      `(${num(a.continue_correct)} right, ${num(a.continue_incorrect)} wrong)`],
    ["Missed continues", `${num(a.missed_continue)} of ${num(a.let_through_judged)} allow/escalate judged ` +
      `(${ratio(a.missed_continue_rate, a.let_through_judged)})`],
    ["Latency p50 / p95 / p99", lat.p50 === null ? "n/a" : `${num(lat.p50)} / ${num(lat.p95)} / ${num(lat.p99)} ms`],
    // Stops let through because something failed (a timeout, the breaker, the store away): none judged.
    ["Failed open", failedOpen(report.fail_open)],
  ];
  $("stats").replaceChildren(...stats.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })]));
  const entries = report.operator_log.slice(0, 20);
  $("oplog").replaceChildren(...(entries.length ? entries.map((e) => el("li", {},
    el("span", { class: "ev-time", text: when(e.ts, true), title: when(e.ts) }), " ",
    el("b", { text: e.action }), " ", el("span", { text: e.detail })))
    : [el("li", { class: "empty", text: "Nothing in the last 7 days." })]));
}

// A check says neither its direction nor its unit: a threshold of 0 is a ceiling (no failures allowed),
// any other a floor; a fractional threshold (the precision) shows both numbers with two decimals.
function checkValue(check) {
  const f = (v) => (v === null ? "n/a" : Number.isInteger(check.threshold) ? num(v) : Number(v).toFixed(2));
  const bound = check.op === "<=" || check.threshold === 0 ? "at most" : "need";
  return `${f(check.value)} (${bound} ${f(check.threshold)})`;
}

// Stacked bars, one per local day (see `when`); `counts` has the decisions from each day's start to the next,
// each start as the API writes times (ISO 8601), matched to a day by the instant it names.
function drawChart(days, counts) {
  const byStart = new Map(counts.map((c) => [Date.parse(c.start), c.decisions]));
  const byDay = new Map(days.map((d) => [d.name, byStart.get(d.start) || {}]));
  const names = days.map((d) => d.name);
  $("chart-zone").textContent = visible(`(last ${names.length} days, local time: ${zone()})`);
  const total = (day) => DECISIONS.reduce((sum, d) => sum + (byDay.get(day)[d] || 0), 0);
  const max = Math.max(1, ...names.map(total));
  const [W, H, left, bottom, top] = [640, 230, 40, 28, 26];
  const slot = (W - left) / names.length;
  const bar = Math.min(56, slot * 0.7);
  const scale = (H - bottom - top) / max;
  const chart = $("chart");
  const parts = [
    svg("line", { x1: left, x2: W, y1: H - bottom, y2: H - bottom, class: "axis" }),
    svg("line", { x1: left, x2: W, y1: top, y2: top, class: "grid" }),
    svg("text", { x: left - 6, y: top + 4, class: "tick", "text-anchor": "end" }, String(max)),
    svg("text", { x: left - 6, y: H - bottom + 4, class: "tick", "text-anchor": "end" }, "0"),
  ];
  names.forEach((day, i) => {
    const x = left + i * slot + (slot - bar) / 2;
    let y = H - bottom;
    const those = byDay.get(day);
    for (const decision of DECISIONS) {
      const n = those[decision] || 0;
      if (!n) continue;
      const h = n * scale;
      y -= h;
      const rect = svg("rect", { x, y, width: bar, height: Math.max(h, 1), class: `d-${decision}` });
      rect.append(svg("title", {}, `${day}: ${n} ${decision}`));
      parts.push(rect);
    }
    if (total(day)) parts.push(svg("text", { x: x + bar / 2, y: y - 3, class: "tick", "text-anchor": "middle" }, String(total(day))));
    parts.push(svg("text", { x: x + bar / 2, y: H - 8, class: "tick day", "text-anchor": "middle" }, day.slice(5)));
  });
  chart.replaceChildren(...parts);
  const sums = DECISIONS.map((d) => [d, names.reduce((s, day) => s + (byDay.get(day)[d] || 0), 0)]);
  $("legend").replaceChildren(...sums.map(([d, n]) =>
    el("li", {}, el("span", { class: `swatch d-${d}`, "aria-hidden": "true" }), `${d} ${n}`)));
  $("chart-desc").textContent = visible(`Decisions per day: ${names.map((d) => `${d} ${total(d)}`).join(", ")}.`);
}

// --- the keyboard ----------------------------------------------------------------------------------------

function onKey(event) {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
  if ($("app").hidden || document.querySelector("dialog[open]")) return;
  const target = event.target;
  if (target === $("rationale")) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      annotate(state.verdict);
    } else if (event.key === "Escape") {
      target.blur();
      const row = $("events").children[state.selected];
      if (row) row.focus();
    }
    return;
  }
  if (target.closest("input, textarea, select, [contenteditable]")) {
    if (event.key === "Escape") target.blur();
    return;
  }
  const inList = target.closest("#events");
  const key = event.key;
  if (key === "j" || (inList && key === "ArrowDown")) move(1);
  else if (key === "k" || (inList && key === "ArrowUp")) move(-1);
  else if (key in VERDICT_KEYS && state.selected >= 0) {
    pressVerdict(VERDICT_KEYS[key]);
    show($("annotate-msg"), "");
  } else if (key === "e" && state.selected >= 0) $("rationale").focus();
  else if (key === "Enter" && state.selected >= 0 && !target.closest("button, a, summary")) annotate(state.verdict);
  else if (key === "[") page(-1);
  else if (key === "]") page(1);
  else if (key === "/") $("filters").elements.session.focus();
  else if (key === "r") refresh();
  else if (key === "?") $("help").showModal();
  else return;
  event.preventDefault();
}

function refresh(live = false) {
  state.refreshed = performance.now();
  loadSettings();
  loadEvents(true, live);
  loadReport();
}

// The page refreshes itself (the log, the status, the report) every LIVE_MS while the tab is visible, and
// at once when it is shown again after that long; never under the operator's hands: not while they write a
// rationale, a dialog is open or a verdict is on its way. Nothing on screen moves (see loadEvents).
function liveRefresh() {
  if ($("app").hidden || !state.token || document.visibilityState !== "visible") return;
  if (document.activeElement === $("rationale") || document.querySelector("dialog[open]") || state.saving) return;
  refresh(true);
}

// --- wiring ----------------------------------------------------------------------------------------------

function wire() {
  $("login-form").addEventListener("submit", signIn);
  $("forget").addEventListener("click", () => signOut("Token forgotten. Paste it again to sign in.", "info"));
  for (const button of document.querySelectorAll("[data-mode]")) {
    button.addEventListener("click", () => setMode(button.dataset.mode));
  }
  $("kill").addEventListener("click", toggleKill);
  // Not a submit button: Enter in the reason field confirms, it must not cancel.
  $("ask-cancel").addEventListener("click", () => $("ask").close("cancel"));
  $("help-open").addEventListener("click", () => $("help").showModal());
  $("refresh").addEventListener("click", () => refresh());
  $("filters").addEventListener("submit", applyFilters);
  for (const name of ["decision", "annotated"]) $("filters").elements[name].addEventListener("change", () => applyFilters());
  $("prev").addEventListener("click", () => page(-1));
  $("next").addEventListener("click", () => page(1));
  $("events").addEventListener("click", (event) => {
    const row = event.target.closest("li[data-index]");
    if (!row) return;
    select(Number(row.dataset.index));
    if (NARROW.matches) $("detail").scrollIntoView({ block: "start" });
  });
  $("facts").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-session]");
    if (!button) return;
    $("filters").elements.session.value = button.dataset.session;
    applyFilters();
  });
  $("annotate").addEventListener("submit", (event) => {
    event.preventDefault();
    annotate(event.submitter && event.submitter.value ? event.submitter.value : state.verdict);
  });
  document.addEventListener("keydown", onKey);
  setInterval(liveRefresh, LIVE_MS);
  document.addEventListener("visibilitychange", () => {
    if (performance.now() - state.refreshed >= LIVE_MS) liveRefresh();
  });
  setInterval(() => {
    if (state.selected >= 0 && !$("app").hidden) {
      $("dwell").textContent = visible(`on screen ${Math.floor((performance.now() - state.shownAt) / 1000)} s`);
    }
  }, 1000);
}

wire();
window.addEventListener("hashchange", () => signInByLink()); // a fresh link pasted into this tab
signInByLink().then((linked) => {
  if (linked) return;
  if (state.token && state.operator) start();
  else signOut("");
});
