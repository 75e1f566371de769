// The inspection pack printed to PDF in headless Chromium (issue 16, item
// 8), as tests/browser/flows.mjs prints it: A4, backgrounds, the page's CSS
// page size. For each page path given it signs in once, loads the page
// (timed: server and layout), prints it (timed: Chromium's PDF), and counts
// the PDF's pages with pdfinfo. One JSON line per page on stdout.
//
//   node bench/pack.mjs BASE LOGIN PASSWORD OUTDIR PATH...
//
// playwright-core comes from tests/browser/node_modules (`npm ci` there);
// Chromium is /usr/bin/chromium unless CHROMIUM says otherwise.

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { chromium } = await import(
  path.join(here, '..', 'tests', 'browser', 'node_modules', 'playwright-core', 'index.mjs')
);
const [base, login, password, out, ...paths] = process.argv.slice(2);
if (!base || !login || !password || !out || paths.length === 0) {
  console.error('usage: node bench/pack.mjs BASE LOGIN PASSWORD OUTDIR PATH...');
  process.exit(2);
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium' });
try {
  const context = await browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForLoadState('networkidle');
  let n = 0;
  for (const p of paths) {
    n += 1;
    const t0 = performance.now();
    const response = await page.goto(`${base}${p}`, { waitUntil: 'load', timeout: 600_000 });
    const loaded = performance.now();
    const pdf = path.join(out, `pack-${n}.pdf`);
    await page.pdf({ path: pdf, format: 'A4', printBackground: true, preferCSSPageSize: true, timeout: 600_000 });
    const printed = performance.now();
    const info = execFileSync('pdfinfo', [pdf]).toString();
    const pages = Number((info.match(/Pages:\s+(\d+)/) || [0, 0])[1]);
    const bytes = (await response.body()).length;
    console.log(
      JSON.stringify({
        path: p,
        status: response.status(),
        html_bytes: bytes,
        load_s: +((loaded - t0) / 1000).toFixed(2),
        pdf_s: +((printed - loaded) / 1000).toFixed(2),
        pages,
        pdf: pdf,
      }),
    );
  }
} finally {
  await browser.close();
}
