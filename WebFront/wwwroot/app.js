// TextGameGen browser client. Every piece of text from the server or the model is shown with textContent,
// never parsed as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
let connection = null;
let me = null;
const pending = new Map(); // turnId -> command, sent but not yet acknowledged (resent after a reconnect)

// ---------- sign-in ----------

async function checkSignedIn() {
  const res = await fetch("/api/me", { credentials: "same-origin" });
  if (res.ok) { me = await res.json(); await startGame(); }
}

$("signin-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("signin-error").textContent = "";
  const res = await fetch("/api/signin", {
    method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name: $("name").value, gmKey: $("gm-key").value || null }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) { $("signin-error").textContent = body.error || `Sign-in failed (${res.status}).`; return; }
  me = body;
  await startGame();
});

$("signout").addEventListener("click", async () => {
  await fetch("/api/signout", { method: "POST", credentials: "same-origin" });
  if (connection) await connection.stop();
  location.reload();
});

// ---------- connection ----------

async function startGame() {
  $("signin-panel").hidden = true;
  $("game").hidden = false;
  $("signout").hidden = false;
  $("whoami").textContent = me.name + (me.isGm ? " (game master)" : "");
  $("gm-panel").hidden = !me.isGm;
  $("test-pane-section").hidden = !me.isGm;

  connection = new signalR.HubConnectionBuilder()
    .withUrl("/hub")
    .withAutomaticReconnect([0, 1000, 2000, 5000, 10000, 10000, 30000])
    .build();
  connection.on("event", onEvent);
  connection.onreconnecting(() => setStatus(false, "reconnecting"));
  connection.onreconnected(async () => { await join(); await resendPending(); });
  connection.onclose(() => setStatus(false, "offline"));
  await connection.start();
  await join();
}

function setStatus(online, text) {
  $("status").textContent = text;
  $("status").classList.toggle("online", online);
}

// Joining returns the whole view, so after a reconnect whatever was missed is drawn again.
async function join() {
  const view = await connection.invoke("Join");
  setStatus(true, "online");
  renderView(view);
}

// Room, inventory and quests again; the story pane keeps what it shows (others' actions are not stored).
async function refreshView() {
  renderView(await connection.invoke("View"), false);
}

async function resendPending() {
  for (const [turnId, command] of pending) await send(turnId, command);
}

// ---------- acting ----------

function newTurnId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return "t-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function act(command) {
  $("command-error").textContent = "";
  const turnId = newTurnId();
  pending.set(turnId, command);
  await send(turnId, command);
}

async function send(turnId, command) {
  let ack;
  try {
    ack = await connection.invoke("Act", turnId, command);
  } catch (err) {
    if (connection.state !== signalR.HubConnectionState.Connected) return; // resent after the reconnect
    pending.delete(turnId);
    $("command-error").textContent = cleanError(err);
    return;
  }
  pending.delete(turnId);
  if (!ack.accepted) { $("command-error").textContent = ack.error; return; }
  if (ack.turn && (ack.turn.kind === "undo" || ack.turn.kind === "retry")) renderView(await connection.invoke("View"));
  else if (ack.turn) upsertTurn(ack.turn);
  if (ack.turn && (ack.turn.kind === "go" || ack.turn.kind === "take" || ack.turn.kind === "drop")) await refreshView();
}

function cleanError(err) {
  const text = String(err && err.message ? err.message : err);
  const i = text.indexOf("HubException: ");
  return i >= 0 ? text.slice(i + 14) : text;
}

$("command-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const text = $("command").value.trim();
  if (!text) return;
  const mode = $("mode").value;
  $("command").value = "";
  await act(mode ? `${mode} ${text}` : text);
});
$("continue").addEventListener("click", () => act("continue"));
$("retry").addEventListener("click", () => act("retry"));
$("undo").addEventListener("click", () => act("undo"));

// ---------- events from the server ----------

function onEvent(e) {
  switch (e.kind) {
    case "passage-start": {
      const el = upsertTurn(e.turn);
      el.classList.add("writing");
      el.querySelector(".passage").textContent = "";
      break;
    }
    case "passage-delta": {
      const el = turnElement(e.turnId);
      if (el) { el.querySelector(".passage").textContent += e.text; scrollStory(); }
      break;
    }
    case "passage-end":
      upsertTurn(e.turn);
      if (e.turn.kind === "quests") refreshView();
      break;
    case "turn":
      upsertTurn(e.turn);
      break;
    case "room":
      addLine("others", e.text);
      if (/ (arrives|leaves)\.$/.test(e.text)) refreshView();
      break;
    case "world-event":
      addWorldEvent(e.worldEvent);
      upsertTurn(e.turn);
      break;
    case "announcement":
      addWorldEvent(e.worldEvent, "announce");
      upsertTurn(e.turn);
      break;
    case "removed":
      $("banner").textContent = e.text;
      $("banner").hidden = false;
      $("command").disabled = true;
      break;
  }
}

// ---------- rendering (textContent only) ----------

function renderView(view, withStory = true) {
  if (withStory) {
    $("story").replaceChildren();
    for (const t of view.story) upsertTurn(t);
  }
  renderRoom(view.room);
  $("inventory").textContent = view.inventory.length ? view.inventory.join(", ") : "nothing";
  const quests = $("quests");
  quests.replaceChildren(...view.quests.map((q) => li(q)));
  $("world-events").replaceChildren(...view.recentEvents.map((ev) => li(ev.text, "event")));
  if (document.activeElement !== $("memory")) $("memory").value = view.memory;
  if (document.activeElement !== $("authors-note")) $("authors-note").value = view.authorsNote;
  if (view.removed) onEvent({ kind: "removed", text: "You can no longer play in this world." });
  scrollStory();
}

function renderRoom(room) {
  if (!room) return;
  $("room-name").textContent = room.name;
  $("room-description").textContent = room.description;
  $("room-items").textContent = room.items.join(", ") || "none";
  $("room-npcs").textContent = room.npcs.join(", ") || "nobody";
  $("present").textContent = room.present.join(", ");
  $("room-exits").replaceChildren(...Object.keys(room.exits).map((exit) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = "Go " + exit;
    b.addEventListener("click", () => act("go " + exit));
    return b;
  }));
}

function turnElement(turnId) {
  return document.querySelector(`.turn[data-turn-id="${CSS.escape(turnId)}"]`);
}

function upsertTurn(t) {
  let el = turnElement(t.id);
  if (!el) {
    el = document.createElement("div");
    el.className = "turn";
    el.dataset.turnId = t.id;
    el.dataset.seq = t.seq;
    const player = document.createElement("div"); player.className = "player";
    const passage = document.createElement("div"); passage.className = "passage";
    const error = document.createElement("div"); error.className = "error";
    const rate = document.createElement("div"); rate.className = "rate";
    el.append(player, passage, error, rate);
    insertInOrder(el, t.seq);
  }
  el.className = "turn kind-" + t.kind;
  el.dataset.status = t.status;
  const player = el.querySelector(".player");
  if (t.kind === "world") player.textContent = "⚡ " + t.playerText;
  else if (t.kind === "announcement") player.textContent = "📢 " + t.playerText;
  else if (t.kind === "continue") player.textContent = "";
  else player.textContent = "> " + t.playerText;
  if (t.kind !== "announcement") el.querySelector(".passage").textContent = t.text;
  el.classList.toggle("writing", t.status === "pending" || t.status === "generating");
  el.querySelector(".error").textContent = t.status === "failed" || t.status === "cancelled" ? (t.error || t.status) : "";
  renderRating(el, t);
  scrollStory();
  return el;
}

function insertInOrder(el, seq) {
  const story = $("story");
  for (const other of story.querySelectorAll(".turn")) {
    if (Number(other.dataset.seq) > seq) { story.insertBefore(el, other); return; }
  }
  story.append(el);
}

function renderRating(el, t) {
  const rate = el.querySelector(".rate");
  rate.replaceChildren();
  if (!t.hasPassage || t.status !== "complete") return;
  for (const [value, label] of [[1, "▲ good"], [-1, "▼ bad"]]) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.title = value > 0 ? "A good passage" : "A bad passage";
    b.className = t.rating === value ? "chosen" : "";
    b.addEventListener("click", async () => {
      const comment = value < 0 ? (prompt("What was wrong with it? (optional)") || "") : "";
      try {
        if (await connection.invoke("Rate", t.id, value, comment)) { t.rating = value; renderRating(el, t); }
      } catch (err) { $("command-error").textContent = cleanError(err); }
    });
    rate.append(b);
  }
}

function addLine(cls, text) {
  const p = document.createElement("p");
  p.className = cls;
  p.textContent = text;
  $("story").append(p);
  scrollStory();
}

function addWorldEvent(ev, cls = "event") {
  if (!ev) return;
  $("world-events").append(li(ev.text, cls));
}

function li(text, cls) {
  const item = document.createElement("li");
  item.textContent = text;
  if (cls) item.className = cls;
  return item;
}

function scrollStory() {
  const story = $("story");
  story.scrollTop = story.scrollHeight;
}

// ---------- memory, context view, model test pane ----------

$("save-memory").addEventListener("click", async () => {
  try { await connection.invoke("SetMemory", $("memory").value, $("authors-note").value); }
  catch (err) { $("command-error").textContent = cleanError(err); }
});

function renderContext(view, table, pre) {
  table.replaceChildren(...view.sections.map((s) => {
    const tr = document.createElement("tr");
    const a = document.createElement("td"); a.textContent = s.name;
    const b = document.createElement("td"); b.textContent = s.tokens + " tokens";
    tr.append(a, b);
    return tr;
  }));
  const total = document.createElement("tr");
  const a = document.createElement("td"); a.textContent = "total";
  const b = document.createElement("td"); b.textContent = `${view.totalTokens} of ${view.budget} (context ${view.contextLength}, passage ${view.passageTokens})`;
  total.append(a, b);
  table.append(total);
  if (pre) pre.textContent = view.prompt;
}

$("show-context").addEventListener("click", async () => {
  renderContext(await connection.invoke("GetContext"), $("context-sections"), $("context-prompt"));
});

$("test-run").addEventListener("click", () => {
  const out = $("test-output");
  out.textContent = "";
  const seedText = $("test-seed").value;
  connection.stream("TestPrompt", $("test-prompt").value, Number($("test-temperature").value),
    Number($("test-max-tokens").value), seedText === "" ? null : Number(seedText))
    .subscribe({
      next: (piece) => { out.textContent += piece; },
      complete: () => {},
      error: (err) => { out.textContent += "\n[" + cleanError(err) + "]"; },
    });
});

// ---------- game master ----------

async function gm(method, ...args) {
  $("gm-result").textContent = "";
  try {
    const result = await connection.invoke(method, ...args);
    $("gm-result").textContent = "Done.";
    return result;
  } catch (err) {
    $("gm-result").textContent = cleanError(err);
    return undefined;
  }
}

$("gm-event-send").addEventListener("click", async () => {
  if (await gm("GmEvent", $("gm-event").value)) $("gm-event").value = "";
});
$("gm-announce-send").addEventListener("click", async () => {
  if (await gm("GmAnnounce", $("gm-announce").value)) $("gm-announce").value = "";
});
$("gm-room-create").addEventListener("click", () => gm("GmCreateRoom", $("gm-room-id").value, $("gm-room-name").value,
  $("gm-room-description").value, $("gm-room-exits").value, $("gm-room-items").value, $("gm-room-npcs").value));
$("gm-room-describe").addEventListener("click", () => gm("GmDescribeRoom", $("gm-room-id").value, $("gm-room-description").value));
$("gm-players-refresh").addEventListener("click", async () => {
  const players = await gm("GmPlayers");
  if (!players) return;
  $("gm-players").replaceChildren(...Object.entries(players).map(([id, name]) => {
    const item = li(`${name} (${id}) `);
    const ctx = document.createElement("button");
    ctx.type = "button"; ctx.textContent = "Context";
    ctx.addEventListener("click", async () => {
      const view = await gm("GmPlayerContext", id);
      if (view) $("gm-context").textContent = view.sections.map((s) => `${s.name}: ${s.tokens} tokens`).join("\n") + "\n\n" + view.prompt;
    });
    const remove = document.createElement("button");
    remove.type = "button"; remove.textContent = "Remove";
    remove.addEventListener("click", () => gm("GmRemovePlayer", id));
    item.append(ctx, remove);
    return item;
  }));
});

checkSignedIn();
