// The timeline: events in date order on a time axis, with filters (from, to, an entity taking part)
// kept in the URL (#/timeline?from=2016&to=2018&entity=…).
import { api } from "../api.js";
import { entityInput } from "../autocomplete.js";
import { fill, h } from "../dom.js";
import { pick, t } from "../i18n.js";
import { colourOf } from "../vocabulary.js";
import { citationList, entityHref, failure, nodeLink } from "./common.js";

const DAY = 86_400_000;
const time = (date) => Date.parse(`${date}T00:00:00Z`);

/** A horizontal axis from the first to the last dated event: a tick per year, a marker per event
 * (a link to its entry below), markers of the same day stacked. */
function timeAxis(events) {
  const dated = events.filter((e) => e.sort_date && !Number.isNaN(time(e.sort_date)));
  if (!dated.length) return null;
  const first = new Date(time(dated[0].sort_date)).getUTCFullYear();
  const last = new Date(time(dated[dated.length - 1].sort_date)).getUTCFullYear() + 1;
  const start = Date.UTC(first, 0, 1);
  const span = Math.max(Date.UTC(last, 0, 1) - start, DAY);
  const at = (ms) => `${(100 * (ms - start)) / span}%`;
  const ticks = [];
  for (let year = first; year <= last; year += 1) {
    ticks.push(h("span", { class: "tick", style: `left:${at(Date.UTC(year, 0, 1))}` }, h("span", { class: "tick-label" }, String(year))));
  }
  const stack = new Map();
  const markers = dated.map((event) => {
    const level = stack.get(event.sort_date) || 0;
    stack.set(event.sort_date, level + 1);
    return h("a", { class: "marker", href: `#event-${event.id}`, "data-testid": "marker",
      style: `left:${at(time(event.sort_date))};bottom:${1.9 + level * 0.9}rem;background:${colourOf(event.category)}`,
      title: `${event.date || event.sort_date} · ${pick(event.label, event.id)}`,
      "aria-label": `${event.date || event.sort_date} · ${pick(event.label, event.id)}`,
      onclick: (e) => { e.preventDefault(); document.getElementById(`event-${event.id}`)?.scrollIntoView({ block: "start" }); } });
  });
  return h("figure", { class: "axis", "data-testid": "time-axis", "aria-label": t("timeAxis") },
    h("div", { class: "axis-line" }, ticks, markers));
}

/** One chip per participant, its roles in the event (one entity can take part in several) as its title. */
function participants(list) {
  const byId = new Map();
  for (const p of list) {
    const roles = byId.get(p.id)?.roles || [];
    if (p.role) roles.push(pick(p.role.label, p.role.curie));
    byId.set(p.id, { node: p, roles });
  }
  return [...byId.values()].map(({ node, roles }) => {
    const chip = nodeLink(node);
    if (roles.length) chip.title = [...new Set(roles)].join(" · ");
    return chip;
  });
}

function eventView(event) {
  return h("li", { class: "event", id: `event-${event.id}` },
    h("time", { datetime: event.sort_date || "" }, event.date || event.sort_date || t("undated")),
    h("div", { class: "event-body" },
      h("a", { href: entityHref(event.id), class: "event-title" }, pick(event.label, event.id)),
      event.participants?.length ? h("p", { class: "participants" }, `${t("participants")}: `,
        participants(event.participants)) : null,
      citationList(event.citations, { nested: true })));
}

export async function timeline(view, { query, navigate }) {
  const from = h("input", { id: "timeline-from", type: "text", value: query.from || "", placeholder: "2014", inputmode: "numeric",
    pattern: "\\d{4}(-\\d{2}(-\\d{2})?)?", title: t("dateHint") });
  const to = h("input", { id: "timeline-to", type: "text", value: query.to || "", placeholder: "2020", inputmode: "numeric",
    pattern: "\\d{4}(-\\d{2}(-\\d{2})?)?", title: t("dateHint") });
  const entity = entityInput({ id: "timeline-entity", placeholder: "科创办" }, query.entity || "");
  const form = h("form", { class: "filters timeline-filters", "data-testid": "timeline-filters", onsubmit: (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    if (from.value.trim()) params.set("from", from.value.trim());
    if (to.value.trim()) params.set("to", to.value.trim());
    if (entity.value()) params.set("entity", entity.value());
    navigate(`#/timeline?${params}`);
  } },
  h("label", {}, t("timelineFrom"), from), h("label", {}, t("timelineTo"), to),
  h("label", { class: "grow" }, t("timelineEntity"), entity.wrap),
  h("button", { type: "submit", id: "timeline-apply" }, t("apply")),
  h("a", { href: "#/timeline", class: "clear" }, t("clearFilters")));
  const body = h("div", { class: "timeline-body" }, h("p", { class: "loading" }, t("loading")));
  fill(view, h("section", { class: "timeline" }, h("h1", {}, t("timelineTitle")), form, body));
  let data;
  try {
    data = await api.timeline({ from: query.from, to: query.to, entity: query.entity });
  } catch (error) { return failure(body, error); }
  fill(body,
    h("p", { class: "summary", "data-testid": "timeline-summary" }, `${data.total ?? data.events.length} ${t("events")}`),
    timeAxis(data.events),
    h("ol", { class: "events", "data-testid": "events" }, data.events.map(eventView)));
  return undefined;
}
