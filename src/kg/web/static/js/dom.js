// A tiny element builder: h("a", {href: "#/"}, "text", child) — text is always set as text, never HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) { while (el.firstChild) el.firstChild.remove(); return el; }

/** Replace the children of `el` with `children` (nested lists flattened; null, undefined and false skipped). */
export function fill(el, ...children) {
  clear(el);
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Put `text` on the clipboard; resolves true when it worked (the Clipboard API, else a selected
 * textarea and execCommand, which works on plain http pages too). */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = h("textarea", { class: "offscreen", readonly: true });
    area.value = text;
    document.body.append(area);
    area.select();
    const done = document.execCommand("copy");
    area.remove();
    return done;
  }
}

/** A button that copies `text()` and says so in a live region next to it. */
export function copyButton(label, text, { id, okText, failText } = {}) {
  const status = h("span", { class: "copy-status", role: "status", "aria-live": "polite" });
  const button = h("button", { type: "button", class: "copy", id, onclick: async () => {
    status.textContent = (await copyText(text())) ? okText : failText;
  } }, label);
  return h("span", { class: "copy-wrap" }, button, status);
}
