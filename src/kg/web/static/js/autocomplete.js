// Suggestions under a text box as the user types (an ARIA combobox): the header search, both path boxes,
// the timeline's entity filter, the avoid-relation box and the catalogue's entity parameters.
import { api } from "./api.js";
import { clear, h } from "./dom.js";
import { other, pick, t } from "./i18n.js";

let counter = 0;

/**
 * Attach suggestions to `input`. `load(text)` resolves to a list of items; `show(item)` gives
 * `{ primary, secondary, note, id }`; `choose(item)` runs on click or Enter. With `firstOnEnter`, Enter
 * picks the first suggestion when none is highlighted (else Enter is left to the form).
 * The list goes into `list` when given, else into a new <ul> after the input (which must have its parent).
 */
export function autocomplete(input, { load, show, choose, list = null, firstOnEnter = false, delay = 120 }) {
  const box = list || h("ul", { class: "suggestions", role: "listbox", hidden: true });
  if (!box.id) box.id = `suggestions-${++counter}`;
  if (!list) input.after(box);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", box.id);
  input.setAttribute("aria-expanded", "false");
  input.autocomplete = "off";
  let items = [];
  let active = -1;
  let ticket = 0;
  let timer = null;

  const close = () => {
    box.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const pickItem = (item) => { close(); choose(item); };

  function render(results) {
    clear(box);
    items = results || [];
    active = -1;
    if (!results) { close(); return; }
    if (!items.length) box.append(h("li", { class: "none" }, t("noSuggestions")));
    items.forEach((item, i) => {
      const shown = show(item);
      box.append(h("li", { role: "option", id: `${box.id}-${i}`, "aria-selected": "false", dataset: { id: shown.id || "" },
        onmousedown: (event) => event.preventDefault(),  // keep focus in the box until the click lands
        onclick: (event) => { event.preventDefault(); pickItem(item); } },
      h("span", { class: "primary" }, shown.primary),
      shown.secondary ? h("span", { class: "alt" }, shown.secondary) : null,
      shown.note ? h("span", { class: "match" }, shown.note) : null));
    });
    box.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function highlight(index) {
    const options = [...box.querySelectorAll("li[role=option]")];
    active = options.length ? (index + options.length) % options.length : -1;
    options.forEach((option, i) => {
      option.classList.toggle("active", i === active);
      option.setAttribute("aria-selected", String(i === active));
    });
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }
  }

  async function suggest() {
    const text = input.value.trim();
    const mine = ++ticket;
    if (!text) { render(null); return; }
    try {
      const results = await load(text);
      if (mine === ticket) { box.dataset.query = text; render(results); }
    } catch { if (mine === ticket) { box.dataset.query = text; render([]); } }
  }

  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(suggest, delay); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (box.hidden) return;
      event.preventDefault();
      highlight(active + (event.key === "ArrowDown" ? 1 : -1) + (active < 0 && event.key === "ArrowUp" ? 1 : 0));
    } else if (event.key === "Enter" && !box.hidden && items.length && (active >= 0 || firstOnEnter)) {
      event.preventDefault();
      pickItem(items[Math.max(active, 0)]);
    } else if (event.key === "Escape" && !box.hidden) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
  return { close };
}

/** Suggestions of entities (GET /entities?q=), shown with both labels and how they matched. */
export const entitySuggestions = {
  load: async (text) => (await api.search(text, 8)).results,
  show: (hit) => ({
    id: hit.id, primary: pick(hit.label, hit.id), secondary: other(hit.label),
    note: hit.matched && hit.matched !== pick(hit.label) ? `${hit.matched} · ${hit.match}` : hit.match,
  }),
};

/** Suggestions of relations (GET /reconcile/suggest/property), by Chinese or English name. */
export const relationSuggestions = {
  load: async (text) => (await api.properties(text, 8)).result,
  show: (prop) => ({ id: prop.id, primary: prop.name, secondary: prop.id }),
};

/** An entity box: suggestions fill the box with the chosen label and remember the id, so the value
 * sent is the id unless the text was changed afterwards (then the text: the API resolves names). */
export function entityInput(attrs, initial = "") {
  const input = h("input", { type: "text", spellcheck: "false", ...attrs, value: initial });
  const wrap = h("div", { class: "combo" }, input);
  autocomplete(input, {
    ...entitySuggestions,
    choose: (hit) => {
      input.value = pick(hit.label, hit.id);
      input.dataset.id = hit.id;
      input.dataset.chosen = input.value;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    },
  });
  if (initial) {  // an id from the URL: show its label, keep sending the id
    api.entity(initial).then((found) => {
      if (input.value !== initial) return;
      input.value = pick(found.label, initial);
      input.dataset.id = found.id || initial;
      input.dataset.chosen = input.value;
    }).catch(() => {});
  }
  return { wrap, input, value: () => (input.dataset.id && input.value === input.dataset.chosen ? input.dataset.id : input.value.trim()) };
}
