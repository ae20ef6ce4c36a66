// Browse: entities listed by type with filters (type, date range, section), sortable, paged, each row
// linking to its page, and a legend of the types and their colours. Everything is in the URL
// (#/browse?type=ikg:Fund&sort=date&order=desc&offset=50).
import { api } from "../api.js";
import { fill, h } from "../dom.js";
import { lang, other, pick, t } from "../i18n.js";
import { colourOf, hasColour, localName } from "../vocabulary.js";
import { entityHref, failure } from "./common.js";

const LIMIT = 50;
const QUICK = ["ikg:Fund", "ikg:MajorScienceFacility", "ikg:LeadingGroup", "ikg:GovernmentBody", "ikg:Plan", "ikg:Event"];
const SORTS = [["label", "sortLabel"], ["date", "sortDate"], ["type", "sortType"]];

const swatch = (curie) => h("span", { class: "swatch", style: `background:${colourOf(localName(curie))}`, "aria-hidden": "true" });

function hrefWith(query, changes) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...query, ...changes })) if (value !== undefined && value !== "" && name !== "lang") params.set(name, value);
  return `#/browse?${params}`;
}

function typeName(curie, facets) {
  const facet = facets.find((f) => f.curie === curie);
  return pick(facet?.label, localName(curie));
}

/** The types with a colour of their own, one per colour name (ikg:Event over schema:Event); broader
 * types (agent, place) are in the type list only. */
export function colouredTypes(facets) {
  const chosen = new Map();
  for (const facet of facets) {
    const name = localName(facet.curie);
    if (hasColour(name) && (!chosen.has(name) || facet.curie.startsWith("ikg:"))) chosen.set(name, facet);
  }
  return facets.filter((facet) => chosen.get(localName(facet.curie)) === facet);
}


function legend(facets, query) {
  return h("section", { class: "legend browse-legend", "data-testid": "legend" },
    h("h2", {}, t("typesAndColours")), h("p", { class: "hint" }, t("legendHint")),
    h("ul", { class: "legend-list" }, colouredTypes(facets).map((facet) => h("li", {},
      h("a", { href: hrefWith(query, { type: facet.curie, offset: "" }), class: "legend-item", dataset: { curie: facet.curie },
        "aria-current": facet.curie === query.type ? "true" : null },
      swatch(facet.curie), h("span", { class: "legend-name" }, pick(facet.label, facet.curie)),
      h("span", { class: "count" }, `(${facet.count})`))))));
}

function headerCell(key, labelKey, query) {
  const sorted = (query.sort || "label") === key;
  const order = query.order === "desc" ? "desc" : "asc";
  const next = sorted && order === "asc" ? "desc" : "asc";
  return h("th", { scope: "col", "aria-sort": sorted ? (order === "asc" ? "ascending" : "descending") : "none" },
    h("a", { href: hrefWith(query, { sort: key, order: next, offset: "" }), class: "sort", dataset: { sort: key } },
      t(labelKey), sorted ? (order === "asc" ? " ▲" : " ▼") : ""));
}

function table(answer, query) {
  const facets = answer.facets?.types || [];
  return h("table", { class: "results browse-table", "data-testid": "browse-table" },
    h("thead", {}, h("tr", {}, headerCell("label", "name", query), headerCell("type", "type", query),
      headerCell("date", "date", query), h("th", { scope: "col" }, t("sections")))),
    h("tbody", {}, answer.items.map((item) => h("tr", { dataset: { id: item.id } },
      h("td", { class: "name-cell" }, swatch(item.category || (item.types || [])[0]),
        h("a", { href: entityHref(item.id), class: "row-link" }, pick(item.label, item.id)),
        other(item.label) ? h("span", { class: "alt" }, other(item.label)) : null),
      h("td", { class: "types-cell" }, (item.types || []).map((curie) => h("span", { class: "type-tag" }, typeName(curie, facets)))),
      h("td", { class: "date-cell" }, item.date || ""),
      h("td", { class: "sections-cell" }, (item.sections || []).map((s) => `§${s}`).join(" "))))));
}

function pager(answer, query) {
  const offset = Number(answer.offset) || 0;
  const shownTo = offset + answer.items.length;
  return h("nav", { class: "pager", "aria-label": t("total", { total: answer.total }) },
    offset > 0 ? h("a", { href: hrefWith(query, { offset: String(Math.max(0, offset - LIMIT)) }), rel: "prev" }, `← ${t("prev")}`) : null,
    h("span", {}, answer.total ? t("pageOf", { from: offset + 1, to: shownTo }) : ""),
    shownTo < answer.total ? h("a", { href: hrefWith(query, { offset: String(shownTo) }), rel: "next" }, `${t("next")} →`) : null);
}

export async function browse(view, { query, navigate }) {
  const type = h("select", { id: "browse-type" });
  const from = h("input", { id: "browse-from", type: "text", value: query.from || "", placeholder: "2014", inputmode: "numeric", title: t("dateHint") });
  const to = h("input", { id: "browse-to", type: "text", value: query.to || "", placeholder: "2020", inputmode: "numeric", title: t("dateHint") });
  const section = h("select", { id: "browse-section" });
  const sort = h("select", { id: "browse-sort" }, SORTS.map(([key, label]) => h("option", { value: key }, t(label))));
  const order = h("select", { id: "browse-order" }, h("option", { value: "asc" }, t("ascending")), h("option", { value: "desc" }, t("descending")));
  sort.value = query.sort || "label";
  order.value = query.order === "desc" ? "desc" : "asc";
  const form = h("form", { class: "filters", "data-testid": "browse-filters", onsubmit: (event) => {
    event.preventDefault();
    navigate(hrefWith({}, { type: type.value, from: from.value.trim(), to: to.value.trim(), section: section.value,
      sort: sort.value, order: order.value }));
  } },
  h("label", {}, t("type"), type), h("label", {}, t("timelineFrom"), from), h("label", {}, t("timelineTo"), to),
  h("label", {}, t("section"), section), h("label", {}, t("sortBy"), sort), h("label", {}, t("order"), order),
  h("button", { type: "submit", id: "browse-apply" }, t("apply")),
  h("a", { href: "#/browse", class: "clear" }, t("clearFilters")));
  const body = h("div", { class: "browse-body" }, h("p", { class: "loading" }, t("loading")));
  fill(view, h("section", { class: "browse" }, h("h1", {}, t("browseTitle")),
    h("p", { class: "quick" }, `${t("quickLists")}: `, h("span", { class: "quick-links" })), form, body));
  let answer;
  try {
    answer = await api.browse({ type: query.type, from: query.from, to: query.to, section: query.section,
      sort: query.sort || "label", order: query.order || "asc", lang: lang(), limit: LIMIT, offset: query.offset || 0 });
  } catch (error) { return failure(body, error); }
  const facets = answer.facets?.types || [];
  type.append(h("option", { value: "" }, t("allTypes")),
    ...facets.map((facet) => h("option", { value: facet.curie }, `${pick(facet.label, facet.curie)} (${facet.count})`)));
  type.value = query.type || "";
  const sections = answer.facets?.sections || [];
  section.append(h("option", { value: "" }, t("allSections")),
    ...sections.map((f) => h("option", { value: f.number }, `§${f.number}${f.title && f.title !== f.number ? ` ${f.title}` : ""} (${f.count})`)));
  if (query.section && !sections.some((f) => f.number === query.section)) section.append(h("option", { value: query.section }, `§${query.section}`));
  section.value = query.section || "";
  view.querySelector(".quick-links").append(...QUICK.filter((curie) => facets.some((f) => f.curie === curie))
    .map((curie) => h("a", { class: "chip", href: hrefWith({}, { type: curie }) }, swatch(curie), typeName(curie, facets))));
  fill(body,
    h("p", { class: "summary", "data-testid": "browse-total" }, t("total", { total: answer.total })),
    h("div", { class: "browse-layout" },
      h("div", { class: "table-wrap" }, table(answer, query), pager(answer, query)),
      legend(facets, query)));
  return undefined;
}
