// Operator dashboard: renders the snapshots the gateway pushes on /dashboard/ws.
"use strict";

const $ = (id) => document.getElementById(id);
const HIDDEN_AUDIT_FIELDS = new Set(["ts", "event", "device", "seq", "prev", "hash", "session"]);
let lastSnapshot = 0;
let retryMs = 1000;

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const cell of cells) {
    const td = document.createElement("td");
    if (cell instanceof Node) td.appendChild(cell); else td.textContent = cell ?? "—";
    tr.appendChild(td);
  }
  return tr;
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const s = Math.floor(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

function clock(epoch) {
  if (!epoch) return "—";
  return new Date(epoch * 1000).toLocaleTimeString([], { hour12: false });
}

function linkCell(s) {
  const quality = s.last_seen_s < 3 ? "good" : s.last_seen_s < 10 ? "warn" : "poor";
  const rtt = s.rtt_ms === null || s.rtt_ms === undefined ? "rtt —" : `rtt ${s.rtt_ms} ms`;
  return el("span", `seen ${s.last_seen_s} s ago · ${rtt}`, quality);
}

function procedureCell(s) {
  if (!s.procedure) return el("span", "idle", "muted");
  const box = el("div");
  box.appendChild(el("div", s.procedure_title || s.procedure));
  box.appendChild(el("div", s.procedure, "mono muted"));
  return box;
}

function stepCell(s) {
  if (s.step === null || s.step === undefined) return el("span", "—");
  const box = el("div");
  box.dataset.stepIndex = String(s.step);
  const total = s.step_count ? ` of ${s.step_count}` : "";
  box.appendChild(el("div", `Step ${s.step_number}${total}`, "step"));
  if (s.step_text) box.appendChild(el("div", s.step_text, "step-text"));
  return box;
}

function renderSessions(sessions) {
  const body = $("sessions").querySelector("tbody");
  body.replaceChildren(...sessions.map((s) => {
    const tr = row([el("span", s.device, "mono"), s.name, procedureCell(s), stepCell(s),
      linkCell(s), duration(s.connected_s), String(s.answering)]);
    tr.dataset.device = s.device;
    return tr;
  }));
  $("session-count").textContent = String(sessions.length);
  $("no-sessions").hidden = sessions.length > 0;
}

function renderFeed(feed) {
  $("feed").replaceChildren(...feed.map((item) => {
    const li = el("li");
    li.appendChild(el("div", `${clock(item.t)} · ${item.device} · ${item.source || ""}`, "meta"));
    li.appendChild(el("div", item.question, "question"));
    li.appendChild(el("div", item.answer, "answer"));
    const cites = el("ul", null, "citations");
    for (const c of item.citations || []) {
      const label = [c.title || c.doc_id, c.section].filter(Boolean).join(" · ");
      const chip = el("li", label);
      chip.title = c.doc_id;
      cites.appendChild(chip);
    }
    li.appendChild(cites);
    return li;
  }));
  $("no-feed").hidden = feed.length > 0;
}

function auditDetails(record) {
  const rest = {};
  for (const [k, v] of Object.entries(record)) if (!HIDDEN_AUDIT_FIELDS.has(k)) rest[k] = v;
  const text = JSON.stringify(rest);
  return text.length > 180 ? text.slice(0, 177) + "…" : text;
}

function renderAudit(audit) {
  const verdict = $("audit-verdict");
  verdict.textContent = audit.verdict;
  verdict.className = "badge " + (audit.ok ? "ok" : "bad");
  $("audit-reason").textContent = `${audit.records} records verified · ${audit.reason}`;
  $("audit").querySelector("tbody").replaceChildren(...audit.tail.map((r) => {
    const tr = row([String(r.seq ?? ""), clock(r.ts), r.event, r.device || "",
      el("span", auditDetails(r), "details mono")]);
    if (!audit.ok && r.seq >= audit.first_broken) tr.className = "broken";
    return tr;
  }));
}

async function revoke(device, button) {
  if (!window.confirm(`Revoke ${device}? Its glasses will be refused from now on.`)) return;
  button.disabled = true;
  const url = "/api/devices/revoke?id=" + encodeURIComponent(device);
  try {
    const reply = await fetch(url, { method: "POST", headers: { "X-Dashboard": "revoke" } });
    const body = await reply.json();
    $("devices-message").textContent = reply.ok
      ? `${device} revoked${body.disconnected ? " and disconnected" : ""}.`
      : `Could not revoke ${device}: ${body.error}`;
  } catch (err) {
    $("devices-message").textContent = `Could not revoke ${device}: ${err}`;
  }
  button.disabled = false;
  requestRefresh();
}

function renderDevices(devices) {
  $("devices-panel").hidden = devices === null || devices === undefined;
  if (!devices) return;
  $("devices").querySelector("tbody").replaceChildren(...devices.map((d) => {
    const button = el("button", "Revoke");
    button.disabled = d.revoked;
    button.addEventListener("click", () => revoke(d.device, button));
    const tr = row([el("span", d.device, "mono"), d.name, clock(d.paired_at),
      el("span", d.revoked ? "revoked" : "active", d.revoked ? "poor" : "good"), button]);
    tr.dataset.device = d.device;
    return tr;
  }));
}

const ARROWS = { up: "↑", down: "↓", flat: "→", unknown: "·" };

function renderTelemetry(t) {
  const panel = $("telemetry-panel");
  panel.hidden = !t;
  if (!t) return;
  $("alert-count").textContent = String(t.alerts.length);
  $("alerts").replaceChildren(...t.alerts.map((a) => {
    const li = el("li", "", "alert " + a.severity);
    li.append(el("strong", `${a.tag} · ${a.severity} · ${a.state}`), el("p", a.message));
    if (a.procedure) li.append(el("p", "Procedure: " + a.procedure, "muted"));
    return li;
  }));
  $("readings").querySelector("tbody").replaceChildren(...t.units.map((u) => row([
    el("span", u.tag, "mono"),
    el("span", u.readings.map((r) => r.value === null ? `${r.point} —` :
      `${r.point} ${Number(r.value).toFixed(1)} ${r.unit} ${ARROWS[r.trend] || ""} ` +
      `${r.age_s === null ? "" : Math.round(r.age_s) + " s"}`).join(" · ")),
  ])));
}

function render(snap) {
  if (snap.error) { $("link").textContent = "gateway error: " + snap.error; return; }
  lastSnapshot = Date.now();
  $("gw-name").textContent = snap.name;
  $("gw-id").textContent = snap.gateway;
  $("kb-version").textContent = snap.kb_version || "none";
  $("pack-version").textContent = snap.pack_version || "none";
  $("fingerprint").textContent = snap.fingerprint || "none (no TLS)";
  const engine = snap.queue.busy ? "answering" : "idle";
  $("queue").textContent = `${snap.queue.length} waiting · engine ${engine} · capacity ${snap.queue.capacity}`;
  $("uptime").textContent = duration(snap.uptime_s);
  $("version").textContent = `gateway ${snap.version} · protocol ${snap.protocol}`;
  renderSessions(snap.sessions);
  renderFeed(snap.feed);
  renderAudit(snap.audit);
  renderDevices(snap.devices);
  renderTelemetry(snap.telemetry);
  const link = $("link");
  link.textContent = "live · " + clock(snap.time);
  link.className = "badge ok";
}

let socket = null;

function requestRefresh() {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send("refresh");
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  socket = new WebSocket(`${scheme}//${location.host}/dashboard/ws`);
  socket.onopen = () => { retryMs = 1000; };
  socket.onmessage = (event) => {
    try { render(JSON.parse(event.data)); } catch (err) { console.error("bad snapshot", err); }
  };
  socket.onclose = () => {
    $("link").textContent = "disconnected · retrying";
    $("link").className = "badge bad";
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 10000);
  };
}

setInterval(() => {
  if (lastSnapshot && Date.now() - lastSnapshot > 3000 && socket?.readyState === WebSocket.OPEN) {
    $("link").textContent = "stale";
    $("link").className = "badge stale";
  }
}, 1000);

connect();
