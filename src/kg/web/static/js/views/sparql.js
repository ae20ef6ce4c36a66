// The SPARQL page: every catalogue question (GET /queries), with a small form for its parameters
// (run by GET /queries/{name}?param=…), a few example queries, and free SPARQL. Results show labels
// linking to entity pages; CSV and JSON come from the endpoint's own formats; the URL is a permalink
// (#/sparql?question=cq02-divisions&office=ndrc, or #/sparql?query=SELECT…).
import { api } from "../api.js";
import { autocomplete, entityInput, relationSuggestions } from "../autocomplete.js";
import { clear, fill, copyButton, h } from "../dom.js";
import { pick, t } from "../i18n.js";
import { categoryLabels } from "../vocabulary.js";
import { entityHref, failure } from "./common.js";

const ENTITY_BASE = "https://w3id.org/innokg/id/";
const PREFIXES = [["ikg:", "https://w3id.org/innokg/ontology#"], ["id:", ENTITY_BASE],
  ["org:", "http://www.w3.org/ns/org#"], ["prov:", "http://www.w3.org/ns/prov#"],
  ["skos:", "http://www.w3.org/2004/02/skos/core#"], ["dcterms:", "http://purl.org/dc/terms/"],
  ["schema:", "https://schema.org/"], ["rdf:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"],
  ["rdfs:", "http://www.w3.org/2000/01/rdf-schema#"], ["owl:", "http://www.w3.org/2002/07/owl#"],
  ["xsd:", "http://www.w3.org/2001/XMLSchema#"], ["foaf:", "http://xmlns.com/foaf/0.1/"]];
const RESERVED = new Set(["question", "query", "lang"]);

const EXAMPLES = [
  { name: "leading-groups", title: { zh: "领导小组及其共同牵头单位", en: "Leading groups and the bodies that co-lead them" },
    query: `PREFIX ikg: <https://w3id.org/innokg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?group ?leader WHERE {
  ?group a ikg:LeadingGroup .
  OPTIONAL { ?leader ikg:coLeads ?group }
} ORDER BY ?group` },
  { name: "classes", title: { zh: "各类实体的数量", en: "How many entities of each class" },
    query: `SELECT ?class (COUNT(?s) AS ?count) WHERE { ?s a ?class }
GROUP BY ?class ORDER BY DESC(?count) LIMIT 25` },
  { name: "renamings", title: { zh: "更名记录", en: "Renamings" },
    query: `PREFIX ikg: <https://w3id.org/innokg/ontology#>
SELECT ?old ?new WHERE { ?old ikg:renamedTo ?new }` },
];

/** The CURIE of an IRI in one of the page's known namespaces, else the IRI. */
export function curieOf(iri) {
  const found = PREFIXES.find(([, base]) => iri.startsWith(base) && !iri.slice(base.length).includes("/"));
  return found ? found[0] + iri.slice(found[1].length) : iri;
}

/** Labels ({zh, en}) of the IRIs in `answer`, read in one query (skos:prefLabel, else rdfs:label). */
async function labelsOf(answer) {
  const iris = new Set();
  for (const row of answer.results?.bindings || []) for (const cell of Object.values(row)) if (cell.type === "uri") iris.add(cell.value);
  const labels = new Map();
  const list = [...iris].filter((iri) => !/[\s<>"{}|\\^`]/.test(iri)).slice(0, 400);
  if (!list.length) return labels;
  const query = `PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?l WHERE { VALUES ?s { ${list.map((iri) => `<${iri}>`).join(" ")} }
  { ?s skos:prefLabel ?l } UNION { ?s rdfs:label ?l } }`;
  const found = await api.sparql(query).catch(() => null);
  for (const row of found?.results?.bindings || []) {
    const language = row.l["xml:lang"] === "en" ? "en" : row.l["xml:lang"] === "zh" ? "zh" : null;
    if (!language) continue;
    const entry = labels.get(row.s.value) || {};
    entry[language] ||= row.l.value;
    labels.set(row.s.value, entry);
  }
  return labels;
}

function cell(binding, labels) {
  if (!binding) return h("td", {});
  if (binding.type === "uri") {
    const iri = binding.value;
    const id = iri.startsWith(ENTITY_BASE) && !iri.slice(ENTITY_BASE.length).includes("/") ? iri.slice(ENTITY_BASE.length) : null;
    const curie = curieOf(iri);
    const label = pick(labels.get(iri) || (curie !== iri ? categoryLabels(curie) : null), "");
    if (id) {
      return h("td", {}, h("a", { href: entityHref(id), class: "entity-cell", title: iri }, label || id),
        label ? h("span", { class: "cell-id" }, id) : null);
    }
    return h("td", { title: iri }, label ? h("span", {}, label, h("span", { class: "cell-id" }, curie)) : curie);
  }
  return h("td", {}, binding.value, binding["xml:lang"] ? h("sub", {}, `@${binding["xml:lang"]}`) : null);
}

async function resultsView(output, answer, downloadsFor) {
  clear(output);
  if (answer.boolean !== undefined) { output.append(h("p", { class: "boolean" }, String(answer.boolean))); return; }
  const vars = answer.head.vars;
  const rows = answer.results.bindings;
  const labels = await labelsOf(answer);
  output.append(h("div", { class: "result-bar" }, h("p", { class: "summary" }, `${rows.length} ${t("rows")}`),
    h("a", { class: "download", href: downloadsFor("csv"), download: "results.csv", "data-format": "csv" }, t("downloadCsv")),
    h("a", { class: "download", href: downloadsFor("json"), download: "results.json", "data-format": "json" }, t("downloadJson"))),
  rows.length ? h("div", { class: "table-wrap" }, h("table", { class: "results", "data-testid": "results" },
    h("thead", {}, h("tr", {}, vars.map((v) => h("th", { scope: "col" }, `?${v}`)))),
    h("tbody", {}, rows.map((row) => h("tr", {}, vars.map((v) => cell(row[v], labels))))))) : h("p", {}, t("noRows")));
}

/** The readable form of a parameter's default: a CURIE as it is, a literal's lexical value. */
const shownDefault = (parameter) => (parameter.kind === "literal" ? parameter.default.replace(/^"(.*)"(\^\^.*|@.*)?$/, "$1") : parameter.default);

/** A form field per parameter; `values()` gives only the ones changed from their defaults. */
function parameterForm(question, given) {
  const fields = question.parameters.map((parameter) => {
    const id = `param-${parameter.name}`;
    const initial = given[parameter.name] ?? shownDefault(parameter);
    let box;
    if (parameter.kind === "iri" && parameter.default.startsWith("id:")) {
      box = entityInput({ id, name: parameter.name }, initial);
    } else {
      const input = h("input", { id, name: parameter.name, type: "text", value: initial, spellcheck: "false" });
      box = { wrap: h("div", { class: "combo" }, input), input, value: () => input.value.trim() };
      if (parameter.kind === "iri") autocomplete(input, { ...relationSuggestions, choose: (prop) => { input.value = prop.id; } });
    }
    return { parameter, box, label: h("label", { for: id }, parameter.name, h("span", { class: "kind" }, parameter.kind)) };
  });
  const unchanged = (parameter, value) => !value || value === shownDefault(parameter)
    || `id:${value}` === parameter.default;
  return {
    element: fields.length ? h("fieldset", { class: "params", "data-testid": "params" }, h("legend", {}, t("parameters")),
      fields.map(({ label, box }) => h("div", { class: "param" }, label, box.wrap))) : null,
    values: () => Object.fromEntries(fields.map(({ parameter, box }) => [parameter.name, box.value()])
      .filter(([name, value]) => !unchanged(fields.find((f) => f.parameter.name === name).parameter, value))),
  };
}

export async function sparql(view, { query, replaceQuery }) {
  const text = h("textarea", { id: "sparql-query", rows: 10, spellcheck: "false", "aria-label": t("sparqlTitle") });
  const select = h("select", { id: "sparql-examples" });
  const description = h("p", { class: "question-description", "data-testid": "question-description" });
  const paramBox = h("div", { class: "param-box" });
  const note = h("p", { class: "hint edited", hidden: true }, t("editedNote"));
  const output = h("div", { class: "sparql-output", "data-testid": "sparql-output" });
  const linkBox = h("p", { class: "permalink-bar" });
  const catalogue = await api.queries().then((c) => c.queries || []).catch(() => []);
  const choices = [...catalogue.map((q) => ({ kind: "question", name: q.name, title: q.title, question: q, text: q.sparql })),
    ...EXAMPLES.map((x) => ({ kind: "example", name: x.name, title: x.title, text: x.query }))];
  let form = { element: null, values: () => ({}) };

  const current = () => choices[Number(select.value)];
  const edited = () => text.value !== (current()?.text || "");
  const choose = (given = {}) => {
    const choice = current();
    text.value = choice?.text || "";
    description.textContent = choice?.question ? pick(choice.question.description) : "";
    form = choice?.question ? parameterForm(choice.question, given) : { element: null, values: () => ({}) };
    fill(paramBox, form.element || "");
    note.hidden = true;
  };

  const run = async () => {
    const choice = current();
    fill(output, t("loading"));
    let params;
    let answer;
    let downloadsFor;
    try {
      if (choice?.kind === "question" && !edited()) {
        const values = form.values();
        params = { question: choice.name, ...values };
        answer = await api.runQuestion(choice.name, values);
        downloadsFor = (format) => api.questionUrl(choice.name, values, format);
      } else {
        params = { query: text.value };
        answer = await api.sparql(text.value);
        downloadsFor = (format) => api.sparqlUrl(text.value, format);
      }
    } catch (error) { failure(output, error); return; }
    const hash = replaceQuery(params);
    fill(linkBox, h("a", { href: hash, "data-testid": "permalink" }, t("permalink")), " ",
      copyButton(t("copyLink"), () => location.href, { okText: t("copied"), failText: t("copyFailed") }));
    await resultsView(output, answer, downloadsFor);
  };

  text.addEventListener("input", () => { note.hidden = !(current()?.kind === "question" && edited()); });
  select.addEventListener("change", () => choose());
  fill(view, h("section", { class: "sparql" }, h("h1", {}, t("sparqlTitle")),
    h("div", { class: "sparql-bar" }, h("label", { for: "sparql-examples" }, t("question")), select),
    description, paramBox,
    h("div", { class: "sparql-actions" }, h("button", { type: "button", id: "sparql-run", onclick: run }, t("run")), linkBox),
    text, note, output));
  select.append(
    h("optgroup", { label: `${t("catalogue")} (${catalogue.length})` }, choices.map((c, i) => (c.kind === "question"
      ? h("option", { value: String(i), dataset: { name: c.name } }, `${c.name.replace(/-.*/, "")} · ${pick(c.title, c.name)}${c.question.parameters.length ? " …" : ""}`) : null))),
    h("optgroup", { label: t("examples") }, choices.map((c, i) => (c.kind === "example"
      ? h("option", { value: String(i), dataset: { name: c.name } }, pick(c.title, c.name)) : null))));
  // A permalink: a catalogue question with its values, or a query text; either runs at once.
  const asked = query.question ? choices.findIndex((c) => c.kind === "question" && c.name === query.question) : -1;
  if (asked >= 0) {
    select.value = String(asked);
    choose(Object.fromEntries(Object.entries(query).filter(([name]) => !RESERVED.has(name))));
    await run();
  } else if (query.query) {
    select.value = String(choices.findIndex((c) => c.kind === "example"));
    choose();
    text.value = query.query;
    await run();
  } else {
    select.value = "0";
    choose();
  }
  return undefined;
}
