// TextGameGen browser client: memory, the context view, the model test pane (GMs) and the GM panel. Every
// piece of text from the server or the model is shown with textContent, never parsed as HTML.
"use strict";

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

$("gm-world-reload").addEventListener("click", () => gm("GmReloadWorld"));
$("gm-world-create").addEventListener("click", async () => {
  const created = await gm("GmCreateWorld", $("gm-world-id").value, $("gm-world-title").value, $("gm-world-template").value, $("gm-world-generator").value);
  if (created) await loadWorlds();
});

// The GM's world panel: templates are the worlds there are, generators the ones the server writes with.
async function fillWorldPanel() {
  $("gm-world-template").replaceChildren(...worlds.map((w) => option(w.id, w.title)));
  const generators = await gm("GmGenerators");
  if (generators) $("gm-world-generator").replaceChildren(...Object.entries(generators).map(([name, version]) => option(name, `${name} ${version}`)));
}

function option(value, text) {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = text;
  return o;
}

// The server tab: every model-serving silo's generators, refreshed every 2 s while the tab is open.
const serverColumns = ["silo", "generator", "running", "free rows", "queued", "tokens/s", "TTFT p50 ms", "TTFT p99 ms", "completed", "busy", "failed"];
let serverTimer;
async function refreshServer() {
  let view;
  try { view = await connection.invoke("GmServer"); } catch (err) { $("gm-server-summary").textContent = cleanError(err); return; }
  $("gm-server-summary").textContent = `${view.connections} players connected to this front end (${view.frontEnd}); ${view.silos.length} silos serving models`;
  const head = document.createElement("tr");
  head.append(...serverColumns.map((c) => cell("th", c)));
  const rows = view.silos.flatMap((s) => s.generators.map((g) => {
    const tr = document.createElement("tr");
    const ms = (v) => (v === null || v === undefined ? "-" : String(v));
    tr.append(...[s.silo, `${g.name} ${g.version}`, g.running, g.freeRows, g.queued, g.tokensPerSecond, ms(g.firstTokenP50Ms), ms(g.firstTokenP99Ms), g.completed, g.busy, g.failed]
      .map((v) => cell("td", String(v))));
    return tr;
  }));
  $("gm-server-table").replaceChildren(head, ...rows);
}
function cell(tag, text) {
  const c = document.createElement(tag);
  c.textContent = text;
  return c;
}
$("gm-server").addEventListener("toggle", () => {
  clearInterval(serverTimer);
  if ($("gm-server").open) { refreshServer(); serverTimer = setInterval(refreshServer, 2000); }
});
