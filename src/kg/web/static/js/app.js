// The single page: hash routing (#/entity/<id>, #/browse, #/path, #/timeline, #/sparql, #/analytics,
// #/review, #/evidence/<id>), the search box with suggestions, the menu on narrow screens, and the zh/en choice,
// which the URL keeps (#/entity/ndrc?lang=en) so a shared link opens in the same language.
import { autocomplete, entitySuggestions } from "./autocomplete.js";
import { fill, h } from "./dom.js";
import { isLang, lang, setLang, translateShell } from "./i18n.js";
import { loadVocabulary } from "./vocabulary.js";
import { analytics } from "./views/analytics.js";
import { browse } from "./views/browse.js";
import { entityHref } from "./views/common.js";
import { entity } from "./views/entity.js";
import { evidence } from "./views/evidence.js";
import { home } from "./views/home.js";
import { paths } from "./views/paths.js";
import { review } from "./views/review.js";
import { sparql } from "./views/sparql.js";
import { timeline } from "./views/timeline.js";

const view = document.getElementById("view");
const VIEWS = { browse, path: paths, timeline, sparql, analytics, review };
let current = null;  // what the view returned: { destroy, relabel } or nothing

function parseHash() {
  const [path, query] = (location.hash.slice(1) || "/").split(/\?(.*)/s);
  const search = new URLSearchParams(query || "");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { path: path || "/", parts, search };
}

/** The hash for `path` and `params` with the chosen language added (as the URL should read). */
function hashFor(path, search) {
  const params = new URLSearchParams(search);
  params.delete("lang");
  params.append("lang", lang());
  return `#${path}?${params}`;
}

const navigate = (hash) => { location.hash = hash; };

/** Write `params` into the current URL without re-rendering (the language is kept); the new hash. */
function replaceQuery(params) {
  const { path } = parseHash();
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== "") search.append(name, value);
  const hash = hashFor(path, search);
  history.replaceState(null, "", hash);
  return hash;
}

let epoch = 0;

async function route() {
  current?.destroy?.();
  current = null;
  const mine = ++epoch;
  const { path, parts, search } = parseHash();
  const wanted = search.get("lang");
  if (isLang(wanted) && wanted !== lang()) { setLang(wanted); translateShell(); }
  const canonical = hashFor(path, search);
  if (location.hash !== canonical) history.replaceState(null, "", canonical);
  search.delete("lang");
  const query = Object.fromEntries(search);
  const context = { lang: lang(), query, search, params: {}, navigate, replaceQuery };
  document.body.dataset.route = parts[0] || "home";
  markNav(parts[0]);
  closeMenu();
  view.dataset.ready = "0";
  // Each visit draws into its own element: a slow view left behind by a quicker click writes into a
  // detached element, never into the page the reader is on.
  const page = h("div", { class: "page" });
  fill(view, page);
  let shown;
  try {
    await loadVocabulary();
    if (parts[0] === "entity" && parts[1]) shown = await entity(page, { ...context, params: { id: parts.slice(1).join("/") } });
    else if (parts[0] === "evidence" && parts[1]) shown = await evidence(page, { ...context, params: { id: parts.slice(1).join("/") } });
    else if (VIEWS[parts[0]]) shown = await VIEWS[parts[0]](page, context);
    else shown = await home(page, context);
  } finally {
    const controller = shown && typeof shown === "object" ? shown : null;
    if (mine === epoch) {
      current = controller;
      view.dataset.ready = "1";  // browser tests wait for this
    } else {
      controller?.destroy?.();
    }
  }
}

// -- language ------------------------------------------------------------------------------------

/** Switch the language: the shell and the URL at once; the view relabels in place when it can
 * (the graph keeps its expansions), else it is drawn again from the same URL. */
async function toggleLanguage() {
  setLang(lang() === "zh" ? "en" : "zh");
  translateShell();
  const { path, search } = parseHash();
  history.replaceState(null, "", hashFor(path, search));
  if (current?.relabel) {
    const mine = epoch;
    view.dataset.ready = "0";
    try { await current.relabel(); } finally { if (mine === epoch) view.dataset.ready = "1"; }
  } else {
    await route();
  }
}

// -- header: menu and search ---------------------------------------------------------------------

const header = document.querySelector(".top");
const menuButton = document.getElementById("menu-toggle");
const nav = document.getElementById("nav");

function closeMenu() {
  header.classList.remove("menu-open");
  menuButton.setAttribute("aria-expanded", "false");
}

function markNav(route) {
  nav.querySelectorAll("a[data-route]").forEach((a) => {
    if (a.dataset.route === route) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  });
}

menuButton.addEventListener("click", () => {
  const open = !header.classList.contains("menu-open");
  header.classList.toggle("menu-open", open);
  menuButton.setAttribute("aria-expanded", String(open));
  if (open) nav.querySelector("a")?.focus();
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && header.classList.contains("menu-open")) { closeMenu(); menuButton.focus(); }
});
document.addEventListener("click", (event) => { if (!event.target.closest(".top")) closeMenu(); });

const input = document.getElementById("search");
autocomplete(input, {
  ...entitySuggestions,
  list: document.getElementById("suggestions"),
  firstOnEnter: true,
  choose: (hit) => { input.value = ""; navigate(entityHref(hit.id)); },
});

document.getElementById("lang-toggle").addEventListener("click", toggleLanguage);

const fromUrl = parseHash().search.get("lang");
setLang(isLang(fromUrl) ? fromUrl : lang());
translateShell();
window.addEventListener("hashchange", route);
route();
