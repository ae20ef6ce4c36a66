// Drives the web page in headless Debian Chromium with playwright-core and prints what a person would
// see, as JSON, for the pytest side to check against the API:
//   node tests/browser/scenarios.mjs BASE_URL SCENARIO SCREENSHOT_DIR ARG WIDTH
// Screenshots are named <picture>-<WIDTH>.png.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [base, scenario, shots, arg = "", widthArg = "1366"] = process.argv.slice(2);
const width = Number(widthArg);
const height = width < 600 ? 844 : 820;
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const args = arg.split(",");

const ready = (page) => page.waitForSelector("#view[data-ready='1']", { timeout: 20000 });
async function shot(page, name, fullPage = false) {
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));  // the sticky header stays on top
  await page.screenshot({ path: join(shots, `${name}-${width}.png`), fullPage });
}

async function open(page, hash) {
  await page.goto(`${base}/${hash}`);
  await ready(page);
}

async function waitGraph(page, selector = "[data-testid=graph]") {
  await page.waitForFunction((sel) => Number(document.querySelector(sel)?.dataset.nodes) > 0,
    selector, { timeout: 20000 });
}

/** Where the graph's nodes are against its canvas: nodes (or labels) outside it, and how many pairs of
 * node labels overlap, in rendered pixels. */
function graphReport(page, selector = "[data-testid=graph]") {
  return page.evaluate((sel) => {
    const box = document.querySelector(sel);
    const cy = box.cy;
    const w = cy.width();
    const h = cy.height();
    const shown = cy.nodes().filter((n) => n.visible());
    const inside = (b) => b.x1 >= -0.5 && b.y1 >= -0.5 && b.x2 <= w + 0.5 && b.y2 <= h + 0.5;
    const labels = shown.map((n) => ({ id: n.id(),
      box: n.renderedBoundingBox({ includeNodes: false, includeEdges: false, includeLabels: true }) }));
    let overlaps = 0;
    for (let i = 0; i < labels.length; i += 1) for (let j = i + 1; j < labels.length; j += 1) {
      const a = labels[i].box; const b = labels[j].box;
      if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) overlaps += 1;
    }
    return {
      width: w, height: h, zoom: cy.zoom(),
      nodes: cy.nodes().length, edges: cy.edges().length, visible: shown.length,
      outside: shown.filter((n) => !inside(n.renderedBoundingBox({ includeLabels: false }))).map((n) => n.id()),
      labels_outside: labels.filter((l) => !inside(l.box)).map((l) => l.id),
      overlaps,
      ids: cy.nodes().map((n) => n.id()).sort(),
      visible_ids: shown.map((n) => n.id()).sort(),
      edge_keys: cy.edges().filter((e) => e.visible()).map((e) => `${e.source().id()}|${e.data("curie")}|${e.target().id()}`).sort(),
    };
  }, selector);
}

/** The header against the viewport: the page's scroll width and each control's box. */
function headerReport(page) {
  return page.evaluate(() => {
    const box = (sel) => {
      const el = document.querySelector(sel);
      if (!el) return null;
      const r = el.getBoundingClientRect();
      const shown = getComputedStyle(el).display !== "none" && r.width > 0;
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, shown };
    };
    return {
      viewport: window.innerWidth, scroll_width: document.documentElement.scrollWidth,
      header_scroll_width: document.querySelector(".top").scrollWidth,
      controls: { brand: box(".brand"), search: box("#search"), menu: box("#menu-toggle"), lang: box("#lang-toggle"), nav: box("#nav") },
      nav_links: [...document.querySelectorAll("#nav a")].map((a) => {
        const r = a.getBoundingClientRect();
        return { href: a.getAttribute("href"), text: a.textContent, shown: r.width > 0 && r.height > 0,
          on_screen: r.left >= 0 && r.right <= window.innerWidth && r.top >= 0 && r.bottom <= window.innerHeight };
      }),
    };
  });
}

/** Click a graph node where it is drawn (the container is scrolled into view first). */
async function clickNode(page, id, selector = "[data-testid=graph]") {
  await page.locator(selector).scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);  // Cytoscape.js re-reads the canvas offset on the scroll event
  const point = await page.evaluate(({ sel, node }) => {
    const box = document.querySelector(sel);
    const rect = box.getBoundingClientRect();
    const pos = box.cy.getElementById(node).renderedPosition();
    return { x: rect.left + pos.x, y: rect.top + pos.y };
  }, { sel: selector, node: id });
  await page.mouse.click(point.x, point.y);
  await page.waitForFunction(({ sel, node }) => {
    const box = document.querySelector(sel);
    return !box.dataset.busy && box.cy.getElementById(node).hasClass("expanded");
  }, { sel: selector, node: id }, { timeout: 15000 });
  await page.waitForTimeout(150);
}

const downloadLinks = (page, scope = "[data-testid=downloads]") => page.$$eval(`${scope} a.download`,
  (links) => links.map((a) => ({ format: a.dataset.format, href: a.getAttribute("href") })));

async function pickSuggestion(page, selector, text) {
  await page.fill(selector, "");
  await page.type(selector, text, { delay: 20 });
  const list = await page.getAttribute(selector, "aria-controls");
  // The list answers the whole text (data-query), not a prefix typed before a pause nor an earlier value.
  await page.waitForFunction(([id, typed]) => {
    const box = document.getElementById(id);
    return box && box.dataset.query === typed && box.querySelector("li[role=option]");
  }, [list, text.trim()], { timeout: 10000 });
  const first = await page.$eval(`#${list} li[role=option]`, (li) => li.dataset.id);
  await page.click(`#${list} li[role=option] >> nth=0`);
  return first;
}

const SCENARIOS = {
  // -- search and entity page ------------------------------------------------------------------
  async search(page) {
    await open(page, "");
    await page.fill("#search", arg || "科创办");
    await page.waitForSelector("#suggestions li[role=option]", { timeout: 10000 });
    const suggestions = await page.$$eval("#suggestions li[role=option]",
      (items) => items.map((li) => ({ id: li.dataset.id, text: li.innerText })));
    await shot(page, "search-suggestions");
    await page.click("#suggestions li[role=option] >> nth=0");
    await page.waitForFunction(() => location.hash.startsWith("#/entity/"));
    await ready(page);
    await waitGraph(page);
    await page.waitForTimeout(200);
    await shot(page, "entity");
    return {
      suggestions,
      hash: await page.evaluate(() => location.hash),
      title: await page.textContent("[data-testid=entity-title]"),
      facts: await page.$$eval(".fact", (items) => items.length),
      citations: await page.$$eval(".citation q", (items) => items.map((q) => q.textContent)),
      graph: await graphReport(page),
    };
  },

  // -- 1. graph view -----------------------------------------------------------------------------
  async expand(page) {
    const [entity, ...neighbours] = args;
    await open(page, `#/entity/${entity}`);
    await waitGraph(page);
    const reports = [await graphReport(page)];
    for (const neighbour of neighbours) {
      await clickNode(page, neighbour);
      reports.push(await graphReport(page));
    }
    await page.locator("#graph").scrollIntoViewIfNeeded();
    await shot(page, "graph-expanded");
    const downloads = await downloadLinks(page);
    await page.selectOption("#graph-layout", "spring");
    return { reports, downloads, laid_out: await downloadLinks(page),
      downloads_title: await page.textContent("[data-testid=downloads] .downloads-title") };
  },

  async controls(page) {
    const [entity, neighbour] = args;
    await open(page, `#/entity/${entity}`);
    await waitGraph(page);
    const zoom = () => page.evaluate(() => document.getElementById("graph").cy.zoom());
    const start = await graphReport(page);
    await page.click("#graph-zoom-in");
    const zoomedIn = await zoom();
    await page.click("#graph-zoom-in");
    const inReport = await graphReport(page);
    await page.click("#graph-zoom-out");
    const zoomedOut = await zoom();
    await page.click("#graph-fit");
    const fitted = await graphReport(page);
    await clickNode(page, neighbour);
    const grown = await graphReport(page);
    await page.click("#graph-reset");
    await page.waitForTimeout(100);
    const reset = await graphReport(page);
    await page.locator("#graph").scrollIntoViewIfNeeded();
    await shot(page, "graph-controls");
    // The same expansion from the keyboard: choose the node in the list, press Enter on the button.
    await page.selectOption("#graph-expand-choice", neighbour);
    await page.focus("#graph-expand");
    await page.keyboard.press("Enter");
    await page.waitForFunction((node) => {
      const box = document.getElementById("graph");
      return !box.dataset.busy && box.cy.getElementById(node).hasClass("expanded");
    }, neighbour, { timeout: 15000 });
    const keyboard = await graphReport(page);
    const buttons = await page.$$eval(".graph-tools button", (bs) => bs.map((b) => ({ id: b.id, label: b.getAttribute("aria-label") })));
    return { start, zoom_start: start.zoom, zoomed_in: zoomedIn, in_report: inReport, zoomed_out: zoomedOut,
      fitted, grown, reset, keyboard, buttons };
  },

  async legend(page) {
    const [entity] = args;
    await open(page, `#/entity/${entity}`);
    await waitGraph(page);
    const palette = await page.evaluate(async () => (await fetch("/ui/palette.json")).json());
    const legend = await page.$$eval("[data-testid=legend] .legend-item", (items) => items.map((item) => ({
      category: item.dataset.category, name: item.querySelector(".legend-name").textContent,
      colour: getComputedStyle(item.querySelector(".swatch")).backgroundColor })));
    const nodes = await page.evaluate(() => document.getElementById("graph").cy.nodes()
      .map((n) => ({ id: n.id(), category: n.data("category"), colour: n.style("background-color") })));
    await page.locator("[data-testid=legend]").scrollIntoViewIfNeeded();
    await shot(page, "graph-legend");
    return { palette, legend, nodes };
  },

  async filters(page) {
    const [entity, category, relation] = args;
    await open(page, `#/entity/${entity}`);
    await waitGraph(page);
    const start = await graphReport(page);
    await page.click(`[data-testid=legend] input[data-category="${category}"]`);
    const withoutCategory = await graphReport(page);
    const hrefsCategory = await downloadLinks(page);
    await page.click("[data-testid=relation-filters] summary");
    await page.click(`[data-testid=relation-filters] input[data-relation="${relation}"]`);
    const withoutRelation = await graphReport(page);
    const hrefsRelation = await downloadLinks(page);
    await page.locator("[data-testid=relation-filters]").scrollIntoViewIfNeeded();
    await shot(page, "graph-filters");
    await page.click("#graph-show-all");
    const restored = await graphReport(page);
    return { start, without_category: withoutCategory, hrefs_category: hrefsCategory,
      without_relation: withoutRelation, hrefs_relation: hrefsRelation, restored,
      status: await page.textContent("[data-testid=graph-status]") };
  },

  async language(page) {
    const [entity, neighbour] = args;
    await open(page, `#/entity/${entity}?lang=zh`);
    await waitGraph(page);
    await clickNode(page, neighbour);
    const before = await graphReport(page);
    const labelsBefore = await page.evaluate(() => document.getElementById("graph").cy.nodes().map((n) => [n.id(), n.data("label")]));
    await page.evaluate(() => { window.__sameDocument = true; });
    await page.click("#lang-toggle");
    await page.waitForFunction(() => document.getElementById("graph")?.dataset.lang === "en", null, { timeout: 10000 });
    await ready(page);
    const after = await graphReport(page);
    const labelsAfter = await page.evaluate(() => document.getElementById("graph").cy.nodes().map((n) => [n.id(), n.data("label")]));
    await page.locator("#graph").scrollIntoViewIfNeeded();
    await shot(page, "graph-language-en");
    return { before, after, labels_before: Object.fromEntries(labelsBefore), labels_after: Object.fromEntries(labelsAfter),
      same_document: await page.evaluate(() => window.__sameDocument === true),
      hash: await page.evaluate(() => location.hash),
      title: await page.textContent("[data-testid=entity-title]"),
      legend: await page.$$eval("[data-testid=legend] .legend-name", (names) => names.map((n) => n.textContent)) };
  },

  // -- 2. narrow screens -------------------------------------------------------------------------
  async header(page) {
    await open(page, "#/?lang=en");
    const closed = await headerReport(page);
    await shot(page, "header-en");
    let opened = null;
    const menuShown = closed.controls.menu.shown;
    if (menuShown) {
      await page.click("#menu-toggle");
      opened = await headerReport(page);
      opened.expanded = await page.getAttribute("#menu-toggle", "aria-expanded");
      await shot(page, "header-menu-en");
    }
    await page.click("#nav a[data-route=timeline]");
    await page.waitForFunction(() => location.hash.startsWith("#/timeline"));
    await ready(page);
    const after = await headerReport(page);
    return { closed, opened, after, hash: await page.evaluate(() => location.hash),
      expanded_after: await page.getAttribute("#menu-toggle", "aria-expanded") };
  },

  // -- 3. language in shared links ---------------------------------------------------------------
  async shared(page) {
    const [entity] = args;
    await open(page, `#/entity/${entity}?lang=en`);
    const first = {
      title: await page.textContent("[data-testid=entity-title]"),
      toggle: await page.textContent("#lang-toggle"),
      html_lang: await page.evaluate(() => document.documentElement.lang),
      nav: await page.textContent("#nav a[data-route=timeline]"),
    };
    await shot(page, "shared-link-en");
    await page.evaluate(() => { location.hash = "#/timeline"; });  // a link without the language
    await page.waitForFunction(() => location.hash.startsWith("#/timeline"));
    await ready(page);
    const followed = await page.evaluate(() => location.hash);
    await page.click("#lang-toggle");
    await ready(page);
    return { first, followed, toggled: await page.evaluate(() => location.hash),
      toggle_after: await page.textContent("#lang-toggle") };
  },

  // -- 4. read in context ------------------------------------------------------------------------
  async evidence(page) {
    const [entity] = args;
    await open(page, `#/entity/${entity}`);
    const link = await page.getAttribute("[data-testid=in-context] >> nth=0", "href");
    const quote = await page.getAttribute(".citation q >> nth=0", "title");
    await page.click("[data-testid=in-context] >> nth=0");
    await page.waitForFunction(() => location.hash.startsWith("#/evidence/"));
    await ready(page);
    await page.waitForSelector("[data-testid=context]", { timeout: 10000 });
    const seen = {
      link, quote, hash: await page.evaluate(() => location.hash),
      document: await page.textContent("[data-testid=document-title]"),
      section: await page.textContent("[data-testid=section-title]"),
      paragraph: await page.textContent("[data-testid=paragraph]"),
      span: await page.textContent("[data-testid=span]"),
      cite: await page.textContent("#cite-text").catch(() => null),
      permalink: await page.getAttribute("[data-testid=permalink]", "href").catch(() => null),
      statements: await page.$$eval("[data-testid=statements] li", (lis) => lis.map((li) => li.textContent)),
    };
    await page.click("#cite-copy");
    await page.waitForFunction(() => document.querySelector(".copy-status")?.textContent, null, { timeout: 5000 });
    seen.copied = await page.evaluate(() => navigator.clipboard.readText());
    seen.copy_status = await page.textContent(".copy-status");
    await shot(page, "evidence", true);
    // The same links from the path finder and the timeline.
    await open(page, "#/path?source=ndrc&target=shanghai-stc-office");
    await page.waitForSelector("[data-testid=path]", { timeout: 20000 });
    seen.path_links = await page.$$eval("[data-testid=path] [data-testid=in-context]", (as) => as.map((a) => a.getAttribute("href")));
    await open(page, "#/timeline");
    await page.waitForSelector(".event", { timeout: 10000 });
    seen.timeline_links = await page.$$eval(".event [data-testid=in-context]", (as) => as.map((a) => a.getAttribute("href")));
    return seen;
  },

  // -- 5. browse ---------------------------------------------------------------------------------
  async browse(page) {
    const [type] = args;
    await open(page, `#/browse?type=${encodeURIComponent(type)}`);
    await page.waitForSelector("[data-testid=browse-table], [data-testid=browse-total]", { timeout: 10000 });
    const rows = () => page.$$eval("[data-testid=browse-table] tbody tr", (trs) => trs.map((tr) => ({
      id: tr.dataset.id, href: tr.querySelector("a").getAttribute("href"), date: tr.querySelector(".date-cell").textContent })));
    const first = { rows: await rows(), total: await page.textContent("[data-testid=browse-total]"),
      legend: await page.$$eval("[data-testid=legend] .legend-item", (items) => items.map((a) => ({
        curie: a.dataset.curie, colour: getComputedStyle(a.querySelector(".swatch")).backgroundColor }))),
      type_value: await page.inputValue("#browse-type"),
      quick: await page.$$eval(".quick-links a", (as) => as.map((a) => new URLSearchParams(a.getAttribute("href").split("?")[1]).get("type"))) };
    await shot(page, "browse");
    await page.click("a.sort[data-sort=date]");
    await ready(page);
    await page.waitForSelector("[data-testid=browse-table]");
    const byDate = { rows: await rows(), hash: await page.evaluate(() => location.hash),
      aria_sort: await page.getAttribute("a.sort[data-sort=date] >> xpath=..", "aria-sort") };
    await page.click("a.sort[data-sort=date]");
    await ready(page);
    await page.waitForSelector("[data-testid=browse-table]");
    const byDateDesc = { rows: await rows(), hash: await page.evaluate(() => location.hash) };
    await page.click("[data-testid=browse-table] tbody tr a.row-link >> nth=0");
    await page.waitForFunction(() => location.hash.startsWith("#/entity/"));
    await ready(page);
    return { first, by_date: byDate, by_date_desc: byDateDesc, opened: await page.evaluate(() => location.hash),
      title: await page.textContent("[data-testid=entity-title]") };
  },

  async browseFilters(page) {
    const [from, to, section] = args;
    await open(page, "#/browse");
    await page.waitForSelector("[data-testid=browse-table]", { timeout: 10000 });
    await page.fill("#browse-from", from);
    await page.fill("#browse-to", to);
    await page.selectOption("#browse-section", section);
    await page.click("#browse-apply");
    await page.waitForFunction(() => location.hash.includes("from="));
    await ready(page);
    await page.waitForSelector("[data-testid=browse-total]", { timeout: 10000 });
    await shot(page, "browse-filters");
    return { section, hash: await page.evaluate(() => location.hash),
      rows: await page.$$eval("[data-testid=browse-table] tbody tr", (trs) => trs.map((tr) => tr.dataset.id)) };
  },

  // -- 6. paths and timeline with their options --------------------------------------------------
  async pathOptions(page) {
    const [sourceText, targetText, avoidText] = args;
    await open(page, "#/path");
    const source = await pickSuggestion(page, "#path-source", sourceText);
    const target = await pickSuggestion(page, "#path-target", targetText);
    await page.fill("#path-k", "2");
    await page.fill("#path-max-hops", "5");
    const avoided = await pickSuggestion(page, "#path-avoid", avoidText);
    await page.click("#path-find");
    await page.waitForFunction(() => location.hash.includes("source="));
    await ready(page);
    await page.waitForSelector("[data-testid=path], .path-results .empty, .path-results .error", { timeout: 20000 });
    await waitGraph(page).catch(() => {});
    await page.waitForTimeout(200);
    await shot(page, "path-options", true);
    const hash = await page.evaluate(() => location.hash);
    const result = {
      source, target, avoided, hash,
      paths: await page.$$eval("[data-testid=path]", (ps) => ps.map((p) => p.querySelectorAll("[data-testid=hop]").length)),
      relations: await page.$$eval("[data-testid=path] .rel", (rs) => rs.map((r) => r.textContent)),
      evidence: await page.$$eval("[data-testid=path] .citation q", (qs) => qs.map((q) => q.textContent)),
      form: { k: await page.inputValue("#path-k"), hops: await page.inputValue("#path-max-hops"),
        avoid: await page.$$eval("[data-testid=avoid-chips] [data-curie]", (cs) => cs.map((c) => c.dataset.curie)),
        source: await page.inputValue("#path-source") },
    };
    await page.click("#path-directed");
    await page.click("#path-find");
    await page.waitForFunction(() => location.hash.includes("directed=true"));
    await ready(page);
    result.directed_hash = await page.evaluate(() => location.hash);
    result.directed_paths = await page.$$eval("[data-testid=path]", (ps) => ps.length);
    return result;
  },

  async timelineFilters(page) {
    const [from, to, entityText] = args;
    await open(page, "#/timeline");
    await page.waitForSelector(".event", { timeout: 10000 });
    const all = { events: await page.$$eval(".event", (es) => es.length),
      markers: await page.$$eval("[data-testid=marker]", (ms) => ms.length) };
    await page.fill("#timeline-from", from);
    await page.fill("#timeline-to", to);
    await page.click("#timeline-apply");
    await page.waitForFunction(() => location.hash.includes("from="));
    await ready(page);
    const ranged = { hash: await page.evaluate(() => location.hash),
      ids: await page.$$eval(".event", (es) => es.map((e) => e.id.replace(/^event-/, ""))),
      markers: await page.$$eval("[data-testid=marker]", (ms) => ms.map((m) => ({ href: m.getAttribute("href"), left: parseFloat(m.style.left) }))),
      ticks: await page.$$eval(".tick-label", (ts) => ts.map((t) => t.textContent)) };
    await shot(page, "timeline-filters", true);
    await page.fill("#timeline-from", "");
    await page.fill("#timeline-to", "");
    const entity = await pickSuggestion(page, "#timeline-entity", entityText);
    await page.click("#timeline-apply");
    await page.waitForFunction(() => location.hash.includes("entity="));
    await ready(page);
    const involving = { entity, hash: await page.evaluate(() => location.hash),
      ids: await page.$$eval(".event", (es) => es.map((e) => e.id.replace(/^event-/, ""))),
      citations: await page.$$eval(".event", (es) => es.map((e) => [...e.querySelectorAll(".citation q")].map((q) => q.getAttribute("title")))) };
    return { all, ranged, involving };
  },

  // -- 7. SPARQL ---------------------------------------------------------------------------------
  async sparqlLabels(page) {
    const [name] = args;
    await open(page, "#/sparql");
    const options = await page.$$eval("#sparql-examples option", (os) => os.map((o) => o.dataset.name));
    const index = await page.$eval("#sparql-examples", (s, n) => [...s.options].findIndex((o) => o.dataset.name === n), name);
    await page.selectOption("#sparql-examples", { index });
    await page.click("#sparql-run");
    await page.waitForSelector("[data-testid=results], .sparql-output .error", { timeout: 20000 });
    const seen = {
      options,
      hash: await page.evaluate(() => location.hash),
      headers: await page.$$eval("[data-testid=results] th", (ths) => ths.map((th) => th.textContent)),
      links: await page.$$eval("[data-testid=results] a.entity-cell", (as) => as.map((a) => ({ href: a.getAttribute("href"), text: a.textContent }))),
      downloads: await page.$$eval(".result-bar a.download", (as) => as.map((a) => ({ format: a.dataset.format, href: a.getAttribute("href") }))),
      permalink: await page.getAttribute("[data-testid=permalink]", "href"),
    };
    await shot(page, "sparql-labels", true);
    // The permalink in a fresh page runs the same question.
    await page.goto("about:blank");
    await page.goto(`${base}/${seen.permalink}`);
    await ready(page);
    await page.waitForSelector("[data-testid=results]", { timeout: 20000 });
    seen.reopened = { rows: await page.$$eval("[data-testid=results] tbody tr", (trs) => trs.length),
      selected: await page.$eval("#sparql-examples", (s) => s.selectedOptions[0]?.dataset.name) };
    // A free query's permalink carries its text.
    await page.fill("#sparql-query", "SELECT ?s WHERE { ?s a <https://w3id.org/innokg/ontology#LeadingGroup> } ORDER BY ?s");
    await page.click("#sparql-run");
    await page.waitForFunction(() => location.hash.includes("query="));
    await page.waitForSelector("[data-testid=results]", { timeout: 20000 });
    seen.free = { hash: await page.evaluate(() => location.hash),
      links: await page.$$eval("[data-testid=results] a.entity-cell", (as) => as.map((a) => ({ href: a.getAttribute("href"), text: a.textContent }))),
      downloads: await page.$$eval(".result-bar a.download", (as) => as.map((a) => ({ format: a.dataset.format, href: a.getAttribute("href") }))) };
    await page.goto("about:blank");
    await page.goto(`${base}/${seen.free.hash}`);
    await ready(page);
    await page.waitForSelector("[data-testid=results]", { timeout: 20000 });
    seen.free.reopened = { text: await page.inputValue("#sparql-query"),
      rows: await page.$$eval("[data-testid=results] tbody tr", (trs) => trs.length) };
    return seen;
  },

  async catalogue(page) {
    const [name, param, text] = args;
    await open(page, "#/sparql");
    const options = await page.$$eval("#sparql-examples option", (os) => os.map((o) => o.dataset.name));
    const index = options.indexOf(name);
    await page.selectOption("#sparql-examples", { index });
    const fields = await page.$$eval("[data-testid=params] input", (is) => is.map((i) => ({ name: i.name, value: i.value })));
    const chosen = await pickSuggestion(page, `#param-${param}`, text);
    await page.click("#sparql-run");
    await page.waitForSelector("[data-testid=results], .sparql-output .summary, .sparql-output .error", { timeout: 20000 });
    await shot(page, "sparql-catalogue", true);
    return { options, fields, chosen, hash: await page.evaluate(() => location.hash),
      error: await page.$eval(".sparql-output", (o) => o.querySelector(".error")?.textContent || null),
      rows: await page.$$eval("[data-testid=results] tbody tr", (trs) => trs.length),
      cells: await page.$$eval("[data-testid=results] tbody td", (tds) => tds.map((td) => td.textContent)),
      downloads: await page.$$eval(".result-bar a.download", (as) => as.map((a) => ({ format: a.dataset.format, href: a.getAttribute("href") }))) };
  },

  // -- 8. analytics ------------------------------------------------------------------------------
  async analytics(page) {
    await open(page, "#/?lang=en");
    if (await page.isVisible("#menu-toggle")) await page.click("#menu-toggle");
    await page.click("#nav a[data-route=analytics]");
    await page.waitForFunction(() => location.hash.startsWith("#/analytics"));
    await ready(page);
    await page.waitForSelector("[data-testid=centrality]", { timeout: 20000 });
    await page.waitForSelector("[data-testid=community]", { timeout: 20000 });
    const seen = {
      central: await page.$$eval("[data-testid=centrality] tbody tr", (trs) => trs.map((tr) => tr.dataset.id)),
      communities: await page.$$eval("[data-testid=community]", (cs) => cs.map((c) => c.querySelectorAll(".chip").length)),
    };
    await shot(page, "analytics", true);
    await page.selectOption("#analytics-measure", "pagerank");
    await page.waitForFunction(() => location.hash.includes("measure=pagerank"));
    await ready(page);
    await page.waitForSelector("[data-testid=centrality]", { timeout: 20000 });
    seen.pagerank = await page.$$eval("[data-testid=centrality] tbody tr", (trs) => trs.map((tr) => tr.dataset.id));
    seen.scroll_width = await page.evaluate(() => document.documentElement.scrollWidth);
    return seen;
  },

  // -- 9. quotes ---------------------------------------------------------------------------------
  async quotes(page) {
    const [entity] = args;
    await open(page, `#/entity/${entity}`);
    await page.waitForSelector(".citation q");
    await shot(page, "quotes");
    return { quotes: await page.$$eval(".citation q", (qs) => qs.map((q) => ({ shown: q.textContent, source: q.getAttribute("title") }))) };
  },

  async strings(page) {
    await open(page, "");
    return page.evaluate(async () => (await import("/static/js/i18n.js")).STRING_KEYS);
  },
};

const profile = mkdtempSync(join(tmpdir(), "innokg-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true, args: ARGS,
  viewport: { width, height }, locale: "zh-CN",
});
await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
const errors = [];
try {
  const page = context.pages()[0] || await context.newPage();
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => { if (message.type() === "error") errors.push(message.text()); });
  const result = await SCENARIOS[scenario](page);
  const header = await headerReport(page).catch(() => null);
  console.log(JSON.stringify({ ...result, page_errors: errors, final_header: header }));
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
