// Network analytics a researcher can read: the most central bodies by a chosen measure, and the
// communities of the governance network (GET /analytics/centrality, /analytics/communities).
import { api } from "../api.js";
import { fill, h } from "../dom.js";
import { t } from "../i18n.js";
import { categoryName } from "../vocabulary.js";
import { failure, nodeLink } from "./common.js";

const MEASURES = ["degree", "betweenness", "pagerank"];
const SHOWN_MEMBERS = 12;

function centralityTable(answer) {
  const format = (score) => (Number.isInteger(score) ? String(score) : score.toFixed(4));
  return h("table", { class: "results", "data-testid": "centrality" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("rank")), h("th", { scope: "col" }, t("name")),
      h("th", { scope: "col" }, t("type")), h("th", { scope: "col" }, t("score")))),
    h("tbody", {}, answer.results.map((item, i) => h("tr", { dataset: { id: item.id } },
      h("td", {}, String(i + 1)), h("td", {}, nodeLink(item)), h("td", {}, categoryName(item.category)),
      h("td", { class: "number" }, format(item.score))))));
}

function communityCard(group) {
  const members = group.members.slice(0, SHOWN_MEMBERS);
  const more = group.size - members.length;
  return h("li", { class: "community", "data-testid": "community" },
    h("h3", {}, t("communityN", { n: group.id }), h("span", { class: "count" }, ` · ${t("size", { size: group.size })}`)),
    h("div", { class: "chips" }, members.map(nodeLink)),
    more > 0 ? h("p", { class: "hint" }, t("moreMembers", { more })) : null);
}

export async function analytics(view, { query, navigate }) {
  const measure = MEASURES.includes(query.measure) ? query.measure : "degree";
  const select = h("select", { id: "analytics-measure" }, MEASURES.map((m) => h("option", { value: m }, t(`measure_${m}`))));
  select.value = measure;
  select.addEventListener("change", () => navigate(`#/analytics?measure=${select.value}`));
  const central = h("div", { class: "central-body" }, t("loading"));
  const groups = h("div", { class: "communities-body" }, t("loading"));
  fill(view, h("section", { class: "analytics" }, h("h1", {}, t("analyticsTitle")),
    h("div", { class: "analytics-layout" },
      h("section", { class: "card", "aria-labelledby": "central-title" },
        h("h2", { id: "central-title" }, t("centrality")),
        h("label", { class: "inline" }, `${t("measure")} `, select), central),
      h("section", { class: "card", "aria-labelledby": "communities-title" },
        h("h2", { id: "communities-title" }, t("communities")), groups))));
  const [ranked, grouped] = await Promise.allSettled([api.centrality(measure, 20), api.communities(12, 40)]);
  if (ranked.status === "fulfilled") {
    fill(central, h("p", { class: "hint" }, `${t("method")}: ${ranked.value.method}`), centralityTable(ranked.value));
  } else failure(central, ranked.reason);
  if (grouped.status === "fulfilled") {
    fill(groups, h("p", { class: "hint" }, `${t("method")}: ${grouped.value.method} · ${grouped.value.total}`),
      h("ol", { class: "community-list" }, grouped.value.groups.map(communityCard)));
  } else failure(groups, grouped.reason);
  return undefined;
}
