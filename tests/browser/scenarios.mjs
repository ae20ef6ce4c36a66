// Drives the web page in headless Debian Chromium with playwright-core and prints what a person would
// see, as JSON, for the pytest side to check against the API:
//   node tests/browser/scenarios.mjs BASE_URL SCENARIO SCREENSHOT_DIR [ARG]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [base, scenario, shots, arg] = process.argv.slice(2);
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const ready = (page) => page.waitForSelector("#view[data-ready='1']", { timeout: 20000 });
const graphNodes = async (page) => Number(await page.getAttribute("#graph", "data-nodes"));

async function waitGraph(page) {
  await page.waitForFunction(() => Number(document.querySelector("[data-testid=graph]")?.dataset.nodes) > 0,
    null, { timeout: 20000 });
}

const SCENARIOS = {
  async search(page) {
    await page.goto(`${base}/`);
    await ready(page);
    await page.fill("#search", arg || "科创办");
    await page.waitForSelector("#suggestions li[role=option]", { timeout: 10000 });
    const suggestions = await page.$$eval("#suggestions li[role=option]",
      (items) => items.map((li) => ({ id: li.dataset.id, text: li.innerText })));
    await page.screenshot({ path: join(shots, "search-suggestions.png") });
    await page.click("#suggestions li[role=option] >> nth=0");
    await page.waitForFunction(() => location.hash.startsWith("#/entity/"));
    await ready(page);
    await waitGraph(page);
    await page.waitForTimeout(300);  // let the layout settle for the screenshot
    await page.screenshot({ path: join(shots, "entity.png") });
    return {
      suggestions,
      hash: await page.evaluate(() => location.hash),
      title: await page.textContent("[data-testid=entity-title]"),
      facts: await page.$$eval(".fact", (items) => items.length),
      citations: await page.$$eval(".citation q", (items) => items.map((q) => q.textContent)),
      graph_nodes: await graphNodes(page),
      graph_edges: Number(await page.getAttribute("#graph", "data-edges")),
      downloads: await page.$$eval("[data-testid=downloads] a", (links) => links.map((a) => a.getAttribute("href"))),
    };
  },

  async expand(page) {
    const [entity, neighbour] = arg.split(",");
    await page.goto(`${base}/#/entity/${entity}`);
    await ready(page);
    await waitGraph(page);
    const before = await graphNodes(page);
    const point = await page.evaluate((id) => {
      const box = document.getElementById("graph");
      const node = box.cy.getElementById(id);
      const rect = box.getBoundingClientRect();
      const pos = node.renderedPosition();
      return { x: rect.left + pos.x, y: rect.top + pos.y };
    }, neighbour);
    await page.mouse.click(point.x, point.y);
    await page.waitForFunction((n) => Number(document.getElementById("graph").dataset.nodes) > n
      && !document.getElementById("graph").dataset.busy, before, { timeout: 15000 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(shots, "entity-expanded.png") });
    return { before, after: await graphNodes(page),
      ids: await page.evaluate(() => document.getElementById("graph").cy.nodes().map((n) => n.id())) };
  },

  async path(page) {
    const [source, target] = arg.split(",");
    await page.goto(`${base}/#/path`);
    await ready(page);
    await page.fill("#path-source", source);
    await page.fill("#path-target", target);
    await page.click("#path-find");
    await page.waitForSelector("[data-testid=path]", { timeout: 20000 });
    await waitGraph(page);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(shots, "path.png") });
    return {
      paths: await page.$$eval("[data-testid=path]", (paths) => paths.map((p) => p.querySelectorAll("[data-testid=hop]").length)),
      evidence: await page.$$eval("[data-testid=path] .citation q", (qs) => qs.map((q) => q.textContent)),
      graph_nodes: Number(await page.getAttribute("[data-testid=graph]", "data-nodes")),
    };
  },

  async sparql(page) {
    await page.goto(`${base}/#/sparql`);
    await ready(page);
    const options = await page.$$eval("#sparql-examples option", (os) => os.map((o) => o.textContent));
    await page.selectOption("#sparql-examples", { index: Number(arg || 0) });
    const query = await page.inputValue("#sparql-query");
    await page.click("#sparql-run");
    await page.waitForSelector("[data-testid=results], .sparql-output .error", { timeout: 20000 });
    await page.screenshot({ path: join(shots, "sparql.png"), fullPage: true });
    return {
      options, query,
      error: await page.$eval(".sparql-output", (o) => o.querySelector(".error")?.textContent || null),
      headers: await page.$$eval("[data-testid=results] th", (ths) => ths.map((th) => th.textContent)),
      rows: await page.$$eval("[data-testid=results] tbody tr", (trs) => trs.length),
    };
  },

  async timeline(page) {
    await page.goto(`${base}/#/timeline`);
    await ready(page);
    await page.click("#lang-toggle");  // English labels
    await ready(page);
    await page.waitForSelector(".event", { timeout: 10000 });
    await page.screenshot({ path: join(shots, "timeline-en.png") });
    return {
      events: await page.$$eval(".event", (es) => es.length),
      toggle: await page.textContent("#lang-toggle"),
      first: await page.textContent(".event .event-title"),
    };
  },
};

const profile = mkdtempSync(join(tmpdir(), "innokg-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true, args: ARGS,
  viewport: { width: 1366, height: 820 }, locale: "zh-CN",
});
const errors = [];
try {
  const page = context.pages()[0] || await context.newPage();
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => { if (message.type() === "error") errors.push(message.text()); });
  const result = await SCENARIOS[scenario](page);
  console.log(JSON.stringify({ ...result, page_errors: errors }));
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
