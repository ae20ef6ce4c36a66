// Drives the review page (#/review) in headless Debian Chromium with playwright-core, as a curator
// would, and prints what the page showed at each step as JSON for tests/browser/test_review_page.py:
//   node tests/browser/review_scenario.mjs BASE_URL SCREENSHOT_DIR WIDTH TOKEN IDS
// IDS: centre,office,government,xixian,linked (the fixture's candidates the steps act on), then the
// entity the new one is merged into, then the report's own candidate (accepted with the government in
// one call). Screenshots: review-<step>-<WIDTH>.png.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [base, shots, widthArg, token, idsArg] = process.argv.slice(2);
const width = Number(widthArg);
const [centre, office, government, xixian, linked, target, report] = idsArg.split(",");
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const card = (id) => `[data-testid=candidate][data-id="${id}"]`;

async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));  // the sticky header stays on top
  await page.screenshot({ path: join(shots, `review-${name}-${width}.png`), fullPage: true });
}

/** What the page shows of every candidate: id, status, title, types, link, statements and quotes. */
function cards(page) {
  return page.$$eval("[data-testid=candidate]", (all) => all.map((el) => ({
    id: el.dataset.id, status: el.dataset.status,
    title: el.querySelector("[data-testid=candidate-title]").textContent,
    badge: el.querySelector("[data-testid=status]").textContent,
    types: [...el.querySelectorAll("[data-testid=type]")].map((x) => x.dataset.curie),
    link: el.querySelector("[data-testid=link]").textContent,
    quotes: [...el.querySelectorAll("[data-testid=quote]")].map((q) => ({ shown: q.textContent, source: q.title })),
    sections: [...el.querySelectorAll("[data-testid=statement] .where")].map((w) => w.textContent),
    curated: [...el.querySelectorAll("[data-testid=statement]")].map((s) => s.dataset.curated === "true"),
    actions: [...el.querySelectorAll("[data-action]")].map((b) => b.dataset.action),
    entity_link: el.querySelector("[data-testid=entity-link]")?.getAttribute("href") || null,
    message: el.querySelector("[data-testid=candidate-message]").textContent,
  })));
}

/** Page width against the screen, with every edit and merge form open (the widest the cards get). */
function overflow(page) {
  return page.evaluate(() => {
    const details = [...document.querySelectorAll("[data-testid=review] details")];
    const closed = details.filter((d) => !d.open);
    closed.forEach((d) => { d.open = true; });
    const wide = [...document.querySelectorAll("[data-testid=review] *")]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`).slice(0, 10);
    const report = { viewport: window.innerWidth, scroll_width: document.documentElement.scrollWidth, wide };
    closed.forEach((d) => { d.open = false; });
    return report;
  });
}

/** Run one action by `press` (which clicks) and wait until the page has finished with it. */
async function acting(page, press) {
  const before = Number(await page.getAttribute("[data-testid=review]", "data-done"));
  await press();
  await page.waitForFunction((n) => Number(document.querySelector("[data-testid=review]")?.dataset.done) > n,
    before, { timeout: 20000 });
  return {
    notice: await page.textContent("[data-testid=review-notice]"),
    errors: await page.$$eval("[data-testid=review-error]", (all) => all.map((e) => ({
      status: e.dataset.status, code: e.dataset.code, text: e.textContent,
      candidate: e.closest("[data-testid=candidate]")?.dataset.id || null }))),
  };
}

const click = (page, id, action) => () => page.click(`${card(id)} [data-action=${action}]`);

/** The candidate as the API says it is now (read from the page, as the page's own fetch would). */
const apiStatus = (page, id) => page.evaluate(async (which) => (await (await fetch(`/review/${which}`)).json()).status, id);

async function pickSuggestion(page, selector, text, wanted) {
  await page.fill(selector, "");
  await page.type(selector, text, { delay: 20 });
  const list = await page.getAttribute(selector, "aria-controls");
  const option = `#${list} li[role=option][data-id="${wanted}"]`;
  await page.waitForSelector(option, { timeout: 10000 });
  await page.click(option);
}

async function run(page) {
  const seen = {};
  await page.goto(`${base}/#/review`);
  await page.waitForSelector("#view[data-ready='1']", { timeout: 20000 });
  await page.waitForSelector("[data-testid=candidate]", { timeout: 20000 });
  seen.nav = await page.$$eval("#nav a", (links) => links.map((a) => a.getAttribute("href")));
  seen.total = await page.textContent("[data-testid=review-total]");
  seen.listed = await cards(page);
  seen.token_state_empty = await page.textContent("[data-testid=token-state]");
  await shot(page, "list");

  // Without a token the page asks for one and sends nothing.
  seen.no_token = await acting(page, click(page, centre, "accept"));
  seen.no_token.status = await apiStatus(page, centre);

  // A wrong token: the API's 401 is shown in the card, and nothing changes.
  await page.fill("#review-token", "not-the-token");
  seen.wrong_token = await acting(page, click(page, centre, "accept"));
  seen.wrong_token.status = await apiStatus(page, centre);
  await shot(page, "wrong-token");

  await page.fill("#review-token", token);
  seen.storage = await page.evaluate(() => ({
    session: Object.fromEntries(Object.entries(sessionStorage)),
    local: Object.fromEntries(Object.entries(localStorage)),
    hash: location.hash,
  }));
  seen.token_state = await page.textContent("[data-testid=token-state]");

  seen.accepted = await acting(page, click(page, centre, "accept"));
  seen.rejected = await acting(page, click(page, office, "reject"));

  // Merging a candidate linked to an entity of the graph is a conflict (409).
  await page.click(`${card(linked)} details.review-merge summary`);
  await pickSuggestion(page, `${card(linked)} input[name=into]`, "科创办", "shanghai-stc-office");
  seen.conflict = await acting(page, () => page.click(`${card(linked)} [data-action=merge]`));
  seen.conflict.status = await apiStatus(page, linked);

  await page.click(`${card(government)} details.review-edit summary`);
  await page.fill(`${card(government)} input[name=label]`, "Hefei Municipal Government");
  await page.selectOption(`${card(government)} select[name=lang]`, "en");
  seen.edited = await acting(page, () => page.click(`${card(government)} [data-action=edit]`));

  await page.click(`${card(xixian)} details.review-merge summary`);
  await pickSuggestion(page, `${card(xixian)} input[name=into]`, "西咸研究院", target);
  seen.merged = await acting(page, () => page.click(`${card(xixian)} [data-action=merge]`));

  // Several at once: "select all shown" ticks every open card (and clears them again), then two are
  // ticked and accepted with one POST /review/accept.
  const posts = [];
  const listen = (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname.startsWith("/review/")) {
      posts.push({ path: new URL(request.url()).pathname, body: request.postDataJSON() });
    }
  };
  page.on("request", listen);
  const ticked = () => page.$$eval("[data-testid=candidate]", (all) => all.filter((el) => el.querySelector("[data-testid=select]")?.checked).map((el) => el.dataset.id));
  await page.check("[data-testid=select-all]");
  seen.bulk = { all: await ticked(), boxes: await page.$$eval("[data-testid=candidate]", (all) => all.filter((el) => el.querySelector("[data-testid=select]")).map((el) => el.dataset.id)),
    count_all: await page.textContent("[data-testid=selected-count]") };
  await page.uncheck("[data-testid=select-all]");
  seen.bulk.none = await ticked();
  seen.bulk.empty = await acting(page, () => page.click("[data-action=accept-selected]"));
  await page.check(`${card(government)} [data-testid=select]`);
  await page.check(`${card(report)} [data-testid=select]`);
  seen.bulk.two = await ticked();
  seen.bulk.count_two = await page.textContent("[data-testid=selected-count]");
  seen.bulk.accepted = await acting(page, () => page.click("[data-action=accept-selected]"));
  seen.bulk.result = await page.getAttribute("[data-testid=bulk-result]", "data-changed");
  seen.bulk.posts = posts.slice();
  page.off("request", listen);
  seen.bulk.statuses = await page.evaluate(async () => Object.fromEntries(
    (await (await fetch("/review")).json()).candidates.map((c) => [c.id, c.status])));
  await shot(page, "bulk");

  seen.decided = await cards(page);
  seen.overflow = await overflow(page);
  await shot(page, "decided");

  // The filter goes into the URL and keeps only what it names.
  await page.selectOption("#review-status", "rejected");
  await page.click("#review-apply");
  await page.waitForFunction(() => location.hash.includes("status=rejected") && document.querySelector("#view").dataset.ready === "1");
  await page.waitForSelector("[data-testid=review-total]", { timeout: 20000 });
  seen.filtered = { hash: await page.evaluate(() => location.hash), ids: (await cards(page)).map((c) => c.id) };
  seen.filtered.token_kept = await page.inputValue("#review-token");

  // In English: the page is drawn again from the same URL, the filter kept.
  await page.click("#lang-toggle");
  await page.waitForFunction(() => location.hash.includes("lang=en") && document.querySelector("#view").dataset.ready === "1");
  await page.waitForSelector("[data-testid=review-total]", { timeout: 20000 });
  seen.english = { hash: await page.evaluate(() => location.hash), title: await page.textContent("[data-testid=review] h1"),
    badges: await page.$$eval("[data-testid=status]", (all) => all.map((b) => b.textContent)),
    overflow: await overflow(page) };
  await shot(page, "english");

  // The accepted candidate has an entity page now.
  const href = seen.decided.find((c) => c.id === centre)?.entity_link;
  await page.goto(`${base}/${href}`);
  await page.waitForSelector("#view[data-ready='1']", { timeout: 20000 });
  seen.entity_page = { hash: await page.evaluate(() => location.hash),
    title: await page.textContent("[data-testid=entity-title]").catch(() => null) };
  return seen;
}

const profile = mkdtempSync(join(tmpdir(), "innokg-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true, args: ARGS,
  viewport: { width, height: width < 600 ? 844 : 820 }, locale: "zh-CN",
});
const errors = [];
try {
  const page = context.pages()[0] || await context.newPage();
  page.on("pageerror", (error) => errors.push(String(error)));
  // The 401 and 409 answers the steps provoke are logged by Chromium as failed loads: expected here.
  page.on("console", (message) => {
    if (message.type() === "error" && !/status of (401|409)/.test(message.text())) errors.push(message.text());
  });
  const seen = await run(page);
  console.log(JSON.stringify({ ...seen, page_errors: errors }));
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
