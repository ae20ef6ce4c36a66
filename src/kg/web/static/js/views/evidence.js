// A citation read in context (#/evidence/<id>): the report's paragraph with the quoted span marked,
// the section it sits in, the statements the span supports, and a "cite this" block to copy.
import { api } from "../api.js";
import { fill, copyButton, h } from "../dom.js";
import { lang, pick, t } from "../i18n.js";
import { displayParts, displayQuote } from "../quotes.js";
import { entityHref, failure, loadingView } from "./common.js";

/** The paragraph with the span in a <mark>; offsets are the report's code points. */
function paragraphView(data) {
  const paragraph = data.paragraph;
  if (!paragraph?.text) {
    return h("div", { class: "context-paragraph", "data-testid": "paragraph" },
      h("p", { class: "hint" }, t("noParagraph")), h("mark", { "data-testid": "span" }, displayQuote(data.text)));
  }
  const [before, span, after] = displayParts(paragraph.text, [data.start - paragraph.start, data.end - paragraph.start]);
  return h("blockquote", { class: "context-paragraph", "data-testid": "paragraph", cite: data.cite?.permalink || "" },
    before, h("mark", { "data-testid": "span", id: "span" }, span), after);
}

function term(value) {
  if (!value) return null;
  if (typeof value === "string") return h("span", {}, value);
  if (value.id) return h("a", { href: entityHref(value.id) }, pick(value.label, value.id));
  if (value.label) return h("span", {}, pick(value.label, value.curie || value.iri || ""));
  return h("span", { class: "literal" }, value.literal ?? value.value ?? value.curie ?? value.iri ?? "");
}

/** One statement the span supports: subject, relation, object, linked where they are entities. */
function statementView(statement) {
  const predicate = statement.predicate ?? statement.property;
  return h("li", { class: "statement", title: pick(statement.text) },
    term(statement.subject), " ", h("span", { class: "rel" }, "→ ", term(predicate), " →"), " ", term(statement.object));
}

export async function evidence(view, { params }) {
  loadingView(view);
  let data;
  const load = async () => { data = await api.evidence(params.id, lang()); };
  try { await load(); } catch (error) { return failure(view, error); }
  const render = () => {
    const doc = data.document || {};
    const section = data.section || {};
    fill(view, h("article", { class: "context", "data-testid": "context" },
      h("p", { class: "back" }, h("a", { href: "#/", onclick: (event) => { if (history.length > 1) { event.preventDefault(); history.back(); } } },
        `← ${t("backTo")}`)),
      h("h1", {}, t("contextTitle")),
      h("p", { class: "context-doc" }, h("strong", { "data-testid": "document-title" }, doc.title || doc.iri || ""),
        doc.issuer ? ` · ${pick(doc.issuer, doc.issuer)}` : "", doc.date ? ` · ${doc.date}` : ""),
      h("h2", { "data-testid": "section-title" },
        section.title && section.title !== section.number ? `§${section.number || "?"} ${section.title}` : `§${section.number || "?"}`),
      paragraphView(data),
      h("p", { class: "span-info" }, `${t("span")}: [${data.start}, ${data.end})`),
      data.note ? h("p", { class: "note", "data-testid": "note" }, `${t("note")}: ${pick(data.note)}`) : null,
      (data.notes || []).map((text) => h("p", { class: "hint" }, text)),
      data.statements?.length ? h("section", { class: "statements", "data-testid": "statements" },
        h("h3", {}, t("statements")), h("ul", {}, data.statements.map(statementView))) : null,
      data.cite ? h("section", { class: "cite", "data-testid": "cite" }, h("h3", {}, t("citeThis")),
        data.cite.style ? h("p", { class: "hint" }, data.cite.style) : null,
        h("p", { class: "cite-text", id: "cite-text" }, data.cite.text),
        h("p", { class: "cite-actions" },
          copyButton(t("copy"), () => data.cite.text, { id: "cite-copy", okText: t("copied"), failText: t("copyFailed") }),
          data.cite.permalink ? h("a", { href: data.cite.permalink, class: "permalink", "data-testid": "permalink" }, t("permalink")) : null),
        data.cite.bibtex ? h("details", { class: "bibtex" }, h("summary", {}, "BibTeX"),
          h("pre", { id: "cite-bibtex" }, data.cite.bibtex),
          copyButton(t("copy"), () => data.cite.bibtex, { id: "bibtex-copy", okText: t("copied"), failText: t("copyFailed") })) : null)
        : null));
  };
  render();
  // The document strings and the citation come in the chosen language: read them again.
  return { relabel: async () => { await load().catch(() => {}); render(); } };
}
