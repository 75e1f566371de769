// The screens a hospital uses all day, timed at scale (issue 16, "Done
// when"): the dashboard, a doctor's page and the 乖離 queue, on generated
// hospitals of each size given (default 300 and 3000 doctors, two months to
// today, made as tests/browser/scale.mjs makes its 300), served by the
// binary given (the release build for figures worth writing down).
//
//   node bench/screens.mjs KINMU_BIN [SIZE...]
//
// For each screen, signed in as HR:
//   - server: the time to the last byte of the page over HTTP on loopback
//     (node's fetch with the browser's session cookie), the first request
//     and the median of the next BENCH_SCREEN_RUNS (5);
//   - browser: Chromium's navigation timing to the load event (server,
//     parsing, style, layout and the page's own script), median of
//     BENCH_SCREEN_RUNS loads at 1366 px, and the page's HTML size.
// One JSON line per screen on stdout, then a Markdown table.
//
// playwright-core comes from tests/browser/node_modules (`npm ci` there);
// Chromium is /usr/bin/chromium unless CHROMIUM says otherwise.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const browserDir = path.join(here, '..', 'tests', 'browser');
const { chromium } = await import(path.join(browserDir, 'node_modules', 'playwright-core', 'index.mjs'));
const scale = await import(path.join(browserDir, 'scale.mjs'));
const { serve, waitFor } = await import(path.join(browserDir, 'server.mjs'));

const [bin, ...sizeArgs] = process.argv.slice(2);
if (!bin) {
  console.error('usage: node bench/screens.mjs KINMU_BIN [SIZE...]');
  process.exit(2);
}
const sizes = (sizeArgs.length ? sizeArgs : ['300', '3000']).map(Number);
const RUNS = Number(process.env.BENCH_SCREEN_RUNS || 5);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
};

/** Time to the last byte of `url` with `cookie`, in ms, and the body's size. */
async function fetchTimed(url, cookie) {
  const t0 = performance.now();
  const r = await fetch(url, { headers: { cookie, 'accept-language': 'ja' } });
  const body = await r.arrayBuffer();
  if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status}`);
  return { ms: performance.now() - t0, bytes: body.byteLength };
}

const rows = [];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  for (const size of sizes) {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `kinmu-screens-${size}-`));
    let server;
    try {
      const h = scale.buildHospital(bin, work, size);
      let base;
      ({ base, server } = await serve(bin, [], work, { DATABASE_URL: h.env.DATABASE_URL }));
      if (!(await waitFor(`${base}/healthz`, 60_000))) throw new Error('kinmu serve did not answer /healthz');
      const page = await scale.signIn(browser, base, h.logins.hr);
      const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      const screens = [
        ['dashboard, this month', '/'],
        ['dashboard, last month', `/?month=${h.start}`],
        ['dashboard, last month, 100 h and over', `/?month=${h.start}&state=over100`],
        ["a doctor's page", `/doctors/${h.doctor}`],
        ['乖離 queue', '/discrepancies'],
      ];
      for (const [what, p] of screens) {
        const first = await fetchTimed(`${base}${p}`, cookie);
        const times = [];
        for (let i = 0; i < RUNS; i++) times.push((await fetchTimed(`${base}${p}`, cookie)).ms);
        const loads = [];
        for (let i = 0; i < RUNS; i++) {
          await page.goto(`${base}${p}`, { waitUntil: 'load' });
          loads.push(await page.evaluate(() => {
            const n = performance.getEntriesByType('navigation')[0];
            return n.loadEventEnd - n.startTime;
          }));
        }
        const row = {
          doctors: size,
          screen: what,
          path: p,
          html_kb: Math.round(first.bytes / 1024),
          server_first_ms: Math.round(first.ms),
          server_ms: Math.round(median(times)),
          load_ms: Math.round(median(loads)),
        };
        rows.push(row);
        console.log(JSON.stringify(row));
      }
      await page.context().close();
    } finally {
      if (server) server.kill('SIGTERM');
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
} finally {
  await browser.close();
}

console.log('\n| doctors | screen | HTML | server, first | server (median) | browser load (median) |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.doctors} | ${r.screen} (\`${r.path}\`) | ${r.html_kb} KB | ${r.server_first_ms} ms | ${r.server_ms} ms | ${r.load_ms} ms |`);
}
