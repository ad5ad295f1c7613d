// TextGameGen browser client: drawing the story, the room and the side panels. Every piece of text from the
// server or the model is shown with textContent, never parsed as HTML.
"use strict";

const $ = (id) => document.getElementById(id);

// ---------- rendering (textContent only) ----------

function renderView(view, withStory = true) {
  if (withStory) {
    $("story").replaceChildren();
    for (const t of view.story) upsertTurn(t);
    renderEarlierButton(view.earlierBefore);
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

// The page shows the recent turns; older ones come a page at a time from the server's turn log.
function renderEarlierButton(before) {
  let b = $("earlier");
  if (!(before > 1)) { if (b) b.remove(); return; }
  if (!b) {
    b = document.createElement("button");
    b.id = "earlier";
    b.type = "button";
    b.className = "earlier";
    b.textContent = "Earlier story";
    b.addEventListener("click", loadEarlier);
  }
  b.dataset.before = before;
  $("story").prepend(b);
}

async function loadEarlier() {
  const b = $("earlier");
  try {
    const page = await connection.invoke("Earlier", Number(b.dataset.before));
    for (const t of page.turns) { t.archived = true; upsertTurn(t, false); }
    renderEarlierButton(page.hasMore ? page.nextBefore : 0);
  } catch (err) { $("command-error").textContent = cleanError(err); }
}

function upsertTurn(t, scroll = true) {
  let el = turnElement(t.id);
  if (!el) {
    el = document.createElement("div");
    el.className = "turn";
    el.dataset.turnId = t.id;
    el.dataset.seq = t.seq;
    const player = document.createElement("div"); player.className = "player";
    const passage = document.createElement("div"); passage.className = "passage";
    const queue = document.createElement("div"); queue.className = "queue";
    const error = document.createElement("div"); error.className = "error";
    const rate = document.createElement("div"); rate.className = "rate";
    el.append(player, queue, passage, error, rate);
    insertInOrder(el, t.seq);
  }
  el.className = "turn kind-" + t.kind;
  el.dataset.status = t.status;
  el.dataset.generator = t.generator || "";
  el.dataset.modelVersion = t.modelVersion || "";
  el.title = t.generator ? `written by ${t.generator} ${t.modelVersion || ""}` : "";
  const player = el.querySelector(".player");
  if (t.kind === "world") player.textContent = "⚡ " + t.playerText;
  else if (t.kind === "announcement") player.textContent = "📢 " + t.playerText;
  else if (t.kind === "continue") player.textContent = "";
  else player.textContent = "> " + t.playerText;
  if (t.kind !== "announcement") el.querySelector(".passage").textContent = t.text;
  el.classList.toggle("writing", t.status === "pending" || t.status === "generating");
  if (t.status !== "pending" && t.status !== "generating") el.querySelector(".queue").textContent = "";
  el.querySelector(".error").textContent = t.status === "failed" || t.status === "cancelled" ? (t.error || t.status) : "";
  renderRating(el, t);
  if (scroll) scrollStory();
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
  if (!t.hasPassage || t.status !== "complete" || t.archived) return;
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
