// TextGameGen browser client. Every piece of text from the server or the model is shown with textContent,
// never parsed as HTML.
"use strict";

let connection = null;
let me = null;
let signingOut = false;
const pending = new Map(); // turnId -> { command, resent }: sent but not yet acknowledged (resent once after a reconnect)

// ---------- sign-in ----------

let worlds = [];

// The worlds to choose from (each written by its own generator); the last one chosen is remembered.
async function loadWorlds() {
  const res = await fetch("/api/worlds", { credentials: "same-origin" });
  worlds = res.ok ? await res.json() : [];
  const chosen = localStorage.getItem("tgg.world");
  $("world").replaceChildren(...worlds.map((w) => {
    const option = document.createElement("option");
    option.value = w.id;
    option.textContent = `${w.title} (${w.generator})`;
    option.selected = w.id === chosen;
    return option;
  }));
  describeWorld();
}

function describeWorld() {
  const w = worlds.find((x) => x.id === $("world").value);
  $("world-description").textContent = w ? w.description : "";
}
$("world").addEventListener("change", describeWorld);

async function checkSignedIn() {
  await loadWorlds();
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
  localStorage.setItem("tgg.world", $("world").value);
  await startGame();
});

$("signout").addEventListener("click", async () => {
  await fetch("/api/signout", { method: "POST", credentials: "same-origin" });
  signingOut = true;
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
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => retryDelay(ctx.previousRetryCount) })
    .build();
  connection.on("event", onEvent);
  connection.onreconnecting(() => setStatus(false, "reconnecting…"));
  connection.onreconnected(async () => { await join(); await resendPending(); });
  // The automatic reconnect never gives up, but a connection closed another way (the server refused it) starts over.
  connection.onclose(() => { if (signingOut) return; setStatus(false, "reconnecting…"); startConnection(); });
  await startConnection();
  if (me.isGm) await fillWorldPanel();
}

// Backoff with jitter, capped at 15 s, forever: a front end that restarts is found again whenever it is back.
function retryDelay(attempt) {
  return Math.min(15000, 500 * 2 ** Math.min(attempt, 5)) * (0.75 + Math.random() / 2);
}

async function startConnection() {
  for (let attempt = 0; ; attempt++) {
    try {
      await connection.start();
      await join();
      await resendPending();
      return;
    } catch (err) {
      setStatus(false, "reconnecting…");
      await new Promise((resolve) => setTimeout(resolve, retryDelay(attempt)));
    }
  }
}

function setStatus(online, text) {
  $("status").textContent = text;
  $("status").classList.toggle("online", online);
}

// Joining returns the whole view, so after a reconnect whatever was missed is drawn again.
async function join() {
  const world = localStorage.getItem("tgg.world") || $("world").value;
  const view = world ? await connection.invoke("JoinWorld", world) : await connection.invoke("Join");
  const w = worlds.find((x) => x.id === view.worldId);
  $("whoami").textContent = me.name + (me.isGm ? " (game master)" : "") + (w ? ` in ${w.title}` : "");
  setStatus(true, "online");
  renderView(view);
}

// Room, inventory and quests again; the story pane keeps what it shows (others' actions are not stored).
async function refreshView() {
  renderView(await connection.invoke("View"), false);
}

// Turns typed while offline, or whose answer was lost with the connection, are sent again once, with the same turn
// id: the server applies a turn id at most once.
async function resendPending() {
  for (const [turnId, turn] of pending) {
    if (turn.resent) { pending.delete(turnId); $("command-error").textContent = `Not sent: ${turn.command}`; continue; }
    turn.resent = true;
    await send(turnId, turn.command);
  }
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
  pending.set(turnId, { command, resent: false });
  if (connection.state !== signalR.HubConnectionState.Connected) return; // sent when the connection is back
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
      if (el) { el.querySelector(".queue").textContent = ""; el.querySelector(".passage").textContent += e.text; scrollStory(); }
      break;
    }
    case "queued": {
      // "You are 12th in line, about 20 s": shown until the passage's first words arrive.
      const el = turnElement(e.turnId);
      if (el) el.querySelector(".queue").textContent = e.text;
      break;
    }
    case "passage-end":
      upsertTurn(e.turn);
      if (e.turn.kind === "quests") refreshView();
      break;
    case "turn":
      upsertTurn(e.turn);
      break;
    case "room": {
      // One or more of the room's lines, in the room's order (a busy room's lines come a few at a time).
      let cameOrWent = false;
      for (const line of e.activities ?? []) {
        addLine("others", line.text);
        if (/ (arrives|leaves)\.$/.test(line.text)) cameOrWent = true;
      }
      if (cameOrWent) refreshView();
      break;
    }
    case "world-event":
      addWorldEvent(e.worldEvent);
      upsertTurn(e.turn);
      break;
    case "announcement":
      addWorldEvent(e.worldEvent, "announce");
      upsertTurn(e.turn);
      break;
    case "notice":
      $("banner").textContent = e.text;
      $("banner").hidden = false;
      break;
    case "removed":
      $("banner").textContent = e.text;
      $("banner").hidden = false;
      $("command").disabled = true;
      break;
  }
}

checkSignedIn();
