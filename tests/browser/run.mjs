// kinmu's screens in real headless Chromium (Debian's package), driven by
// playwright-core. Started by tests/api/browser.rs with KINMU_BIN set to the
// built binary. Two parts, one after the other:
//
// - demo (flows.mjs): `kinmu serve --demo` in a temporary directory, and
//   what people do there, role by role;
// - scale (scale.mjs): a generated hospital of 300 doctors, every screen of
//   every role at 1366 px and 390 px, with an accessibility pass (axe-core).
//
// KINMU_BROWSER_ONLY=demo or KINMU_BROWSER_ONLY=scale runs one of them.
// Screenshots and the printed pack go to KINMU_BROWSER_OUT.
// Exit code 0 when every check passed; the failures are printed otherwise.

import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve as serveBin, waitFor } from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = process.env.KINMU_BIN;
const out = process.env.KINMU_BROWSER_OUT || path.join(here, '..', '..', 'target', 'browser');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const only = process.env.KINMU_BROWSER_ONLY || '';
const PASSWORD = 'Shift-2024-demo';
if (!bin) {
  console.error('KINMU_BIN is not set');
  process.exit(2);
}
if (!['', 'demo', 'scale'].includes(only)) {
  console.error(`KINMU_BROWSER_ONLY must be demo or scale (got ${only})`);
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });

const failures = [];
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

/** Starts `kinmu serve ARGS` in `cwd` on a free port; returns { base, server }. */
function serve(args, cwd, env = {}) {
  return serveBin(bin, args, cwd, env);
}

function launch() {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Runs `part` with a browser and a temporary directory, whatever happens. */
async function withBrowser(name, part) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `kinmu-browser-${name}-`));
  let browser;
  const servers = [];
  try {
    browser = await launch();
    await part({ browser, work, servers });
  } catch (e) {
    check(false, `${name}: no exception: ${e && e.stack ? e.stack : e}`);
  } finally {
    if (browser) await browser.close();
    for (const s of servers) s.kill('SIGTERM');
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (only === '' || only === 'demo') {
  await withBrowser('demo', async ({ browser, work, servers }) => {
    const { base, server } = await serve(['--demo'], work);
    servers.push(server);
    check(await waitFor(`${base}/healthz`, 60_000), 'kinmu serve --demo answers /healthz');
    const flows = await import('./flows.mjs');
    await flows.run({ browser, base, out, here, PASSWORD, check, execFileSync });
  });
}

if (only === '' || only === 'scale') {
  await withBrowser('scale', async ({ browser, work, servers }) => {
    const scale = await import('./scale.mjs');
    await scale.run({ browser, bin, work, out, check, serve, waitFor, servers });
  });
}

console.log(failures.length === 0 ? 'browser tests passed' : `${failures.length} browser check(s) failed`);
process.exit(failures.length === 0 ? 0 : 1);
