// The home page: what the graph holds, where to start, and the whole graph as a download.
import { api } from "../api.js";
import { fill, h } from "../dom.js";
import { pick, t } from "../i18n.js";
import { downloads } from "../graphpanel.js";
import { entityHref } from "./common.js";

const START = ["shanghai-stc-office", "ndrc", "national-stc-leading-group", "zhangjiang-science-city"];

export async function home(view, { lang }) {
  fill(view, h("section", { class: "home" },
    h("p", { class: "intro" }, t("homeIntro")),
    h("h2", {}, t("tryThese")),
    h("div", { class: "chips", "data-testid": "start" }, START.map((id) => h("a", { class: "chip", href: entityHref(id) }, id))),
    h("p", { class: "home-links" }, h("a", { href: "#/browse" }, `${t("navBrowse")} →`), " ",
      h("a", { href: "#/analytics" }, `${t("navAnalytics")} →`)),
    h("h2", {}, t("exportAll")), downloads({ scope: "all" }, lang)));
  const chips = view.querySelectorAll("[data-testid=start] a");
  await Promise.all(START.map(async (id, i) => {
    const entity = await api.entity(id).catch(() => null);
    if (entity) chips[i].textContent = pick(entity.label, id);
  }));
}
