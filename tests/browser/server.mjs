// Starting `kinmu serve` on a free loopback port and waiting for it: shared
// by the browser tests (run.mjs) and bench/screens.mjs.

import { spawn } from 'node:child_process';
import net from 'node:net';

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Whether `url` answers 2xx within `ms` milliseconds. */
export async function waitFor(url, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const r = await fetch(url);
      if (r.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/**
 * Starts `BIN serve ARGS` in `cwd` on a free port (no DATABASE_URL from the
 * caller's environment unless `env` gives one; sign-in limits raised for
 * scripted sign-ins); returns { base, server }.
 */
export async function serve(bin, args, cwd, env = {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(bin, ['serve', ...args, '--listen', `127.0.0.1:${port}`], {
    cwd,
    env: { ...process.env, RUST_LOG: 'warn', KINMU_BASE_URL: base, DATABASE_URL: '', KINMU_SIGN_IN_ATTEMPTS_PER_MINUTE: '1000', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { base, server };
}
