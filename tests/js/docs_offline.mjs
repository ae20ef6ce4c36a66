// Opens the API documentation (/docs: Swagger UI, /redoc: Redoc) in headless Chromium with every
// request to another host refused, as on a machine without the internet, and prints what rendered:
//   node tests/js/docs_offline.mjs BASE_URL SCREENSHOT_DIR
//   -> {"swagger_operations": N, "redoc_operations": M, "refused": [URLs asked of other hosts]}
import { join } from "node:path";
import { chromium } from "playwright-core";

const [base, shots] = process.argv.slice(2);
const refused = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(base) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    refused.push(url);
    return route.abort("internetdisconnected");
  });
  await page.goto(`${base}/docs`);
  await page.waitForSelector(".opblock", { timeout: 30000 });
  const swagger = await page.$$eval(".opblock", (blocks) => blocks.length);
  await page.screenshot({ path: join(shots, "docs-offline.png") });
  await page.goto(`${base}/redoc`);
  await page.waitForSelector("[data-section-id^='operation/']", { timeout: 30000 });
  const redoc = await page.$$eval("[data-section-id^='operation/']", (sections) => sections.length);
  await page.screenshot({ path: join(shots, "redoc-offline.png") });
  console.log(JSON.stringify({ swagger_operations: swagger, redoc_operations: redoc, refused }));
} finally {
  await browser.close();
}
