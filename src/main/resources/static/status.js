// The status page: plain JavaScript against /api/documents, refreshed every few seconds.
const STATES = ["RECEIVED", "EXTRACTING", "EXTRACTED", "UPLOADED", "PARSED", "VALIDATED", "PUBLISHED",
  "DELIVERED", "DONE", "REJECTED", "DUPLICATE", "FAILED"];
const REFRESH_MILLIS = 2000;
let selected = null;

const $ = (id) => document.getElementById(id);

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text ?? "";
  if (className) td.className = className;
  return td;
}

async function json(url, options) {
  const response = await fetch(url, options);
  const body = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
  if (!response.ok) throw new Error(body?.detail || response.status + " " + response.statusText);
  return body;
}

async function refreshList() {
  const state = $("state-filter").value;
  const page = await json("api/documents?size=200" + (state ? "&state=" + state : ""));
  $("incomplete").hidden = page.complete;
  const counts = $("counts");
  counts.replaceChildren(...STATES.filter((s) => page.counts[s] > 0 || ["DONE", "FAILED"].includes(s)).map((s) => {
    const badge = document.createElement("span");
    badge.className = "count state-" + s;
    badge.dataset.state = s;
    badge.innerHTML = "<b></b>";
    badge.firstChild.textContent = page.counts[s];
    badge.append(s);
    badge.onclick = () => { $("state-filter").value = s; refresh(); };
    return badge;
  }));
  const body = $("documents").tBodies[0];
  body.replaceChildren();
  for (const doc of page.items) {
    const row = body.insertRow();
    row.dataset.documentId = doc.documentId;
    row.dataset.state = doc.state;
    if (doc.documentId === selected) row.classList.add("selected");
    cell(row, doc.fileName, "file");
    cell(row, doc.watchedFolder);
    cell(row, doc.state, "state state-" + doc.state);
    cell(row, doc.stage);
    cell(row, new Date(doc.time).toLocaleTimeString());
    row.onclick = () => { selected = doc.documentId; refresh(); };
  }
}

async function refreshDetail() {
  if (!selected) return;
  const doc = await json("api/documents/" + selected);
  $("detail").hidden = false;
  $("detail-name").textContent = doc.fileName;
  $("detail-id").textContent = doc.documentId;
  $("detail-state").className = "state state-" + doc.state;
  $("detail-state").textContent = doc.state + (doc.stage ? " (" + doc.stage + ")" : "");
  $("detail-reason").hidden = !doc.reason;
  $("detail-reason").textContent = doc.reason ? doc.reason + ": " + (doc.detail || "") : "";
  $("detail-sidecar").hidden = !doc.sidecar;
  if (doc.sidecar) $("detail-sidecar").href = doc.sidecar.replace(/^\//, "");
  $("retry").hidden = !doc.retryable;
  $("timeline").replaceChildren(...doc.timeline.map((t) => {
    const li = document.createElement("li");
    li.textContent = new Date(t.time).toLocaleString() + "  " + t.state + "  " + (t.stage || "")
      + (t.reason ? "  " + t.reason + ": " + (t.detail || "") : "");
    li.className = "state-" + t.state;
    return li;
  }));
  $("detail-ids").textContent = JSON.stringify(doc.ids || {}, null, 2);
}

async function refresh() {
  try {
    await refreshList();
    await refreshDetail();
  } catch (e) {
    $("retry-message").textContent = e.message;
  }
}

async function retry() {
  $("retry").disabled = true;
  try {
    const status = await json("api/documents/" + selected + "/retry", { method: "POST" });
    $("retry-message").textContent = "retried: " + status.state;
  } catch (e) {
    $("retry-message").textContent = e.message;
  } finally {
    $("retry").disabled = false;
  }
  refresh();
}

for (const s of STATES) $("state-filter").add(new Option(s, s));
$("state-filter").onchange = refresh;
$("retry").onclick = retry;
refresh();
setInterval(refresh, REFRESH_MILLIS);
