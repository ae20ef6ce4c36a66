// The single page: hash routing (#/entity/<id>, #/path, #/timeline, #/sparql), the search box with
// suggestions as you type, and the zh/en label toggle.
import { api } from "./api.js";
import { clear, h } from "./dom.js";
import { lang, pick, setLang, t, translateShell } from "./i18n.js";
import { entity, entityHref, home, paths, sparql, timeline } from "./views.js";

const view = document.getElementById("view");
let cleanup = null;

function parseHash() {
  const [path, search] = (location.hash.slice(1) || "/").split("?");
  const query = Object.fromEntries(new URLSearchParams(search || ""));
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { parts, query };
}

const navigate = (hash) => { location.hash = hash; };

async function route() {
  if (typeof cleanup === "function") cleanup();
  cleanup = null;
  const { parts, query } = parseHash();
  const context = { lang: lang(), query, params: {}, navigate };
  document.body.dataset.route = parts[0] || "home";
  view.dataset.ready = "0";
  try {
    if (parts[0] === "entity" && parts[1]) cleanup = await entity(view, { ...context, params: { id: parts.slice(1).join("/") } });
    else if (parts[0] === "path") cleanup = await paths(view, context);
    else if (parts[0] === "timeline") cleanup = await timeline(view, context);
    else if (parts[0] === "sparql") cleanup = await sparql(view, context);
    else cleanup = await home(view, context);
  } finally {
    view.dataset.ready = "1";  // browser tests wait for this
  }
}

// -- search with suggestions ------------------------------------------------------------------------

const input = document.getElementById("search");
const list = document.getElementById("suggestions");
let active = -1;
let ticket = 0;

function showSuggestions(results) {
  clear(list);
  active = -1;
  if (!results) { list.hidden = true; return; }
  if (!results.length) list.append(h("li", { class: "none" }, t("noSuggestions")));
  results.forEach((hit, i) => list.append(h("li", { role: "option", id: `suggestion-${i}`, dataset: { id: hit.id } },
    h("a", { href: entityHref(hit.id), onclick: () => { list.hidden = true; input.value = ""; } },
      h("strong", {}, pick(hit.label, hit.id)),
      h("span", { class: "alt" }, lang() === "zh" ? hit.label?.en || "" : hit.label?.zh || ""),
      h("span", { class: "match" }, hit.matched && hit.matched !== pick(hit.label) ? `${hit.matched} · ${hit.match}` : hit.match)))));
  list.hidden = false;
}

async function suggest() {
  const text = input.value.trim();
  const mine = ++ticket;
  if (!text) { showSuggestions(null); return; }
  try {
    const answer = await api.search(text, 8);
    if (mine === ticket) showSuggestions(answer.results);
  } catch { if (mine === ticket) showSuggestions([]); }
}

let timer = null;
input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(suggest, 120); });
input.addEventListener("keydown", (event) => {
  const items = [...list.querySelectorAll("li[role=option]")];
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    active = (active + (event.key === "ArrowDown" ? 1 : -1) + items.length) % Math.max(items.length, 1);
    items.forEach((item, i) => item.classList.toggle("active", i === active));
  } else if (event.key === "Enter") {
    const chosen = items[Math.max(active, 0)];
    if (chosen) { navigate(entityHref(chosen.dataset.id)); list.hidden = true; input.value = ""; }
  } else if (event.key === "Escape") { list.hidden = true; }
});
document.addEventListener("click", (event) => { if (!event.target.closest(".search")) list.hidden = true; });

document.getElementById("lang-toggle").addEventListener("click", () => {
  setLang(lang() === "zh" ? "en" : "zh");
  translateShell();
  route();
});

setLang(lang());
translateShell();
window.addEventListener("hashchange", route);
route();
