// What every browser test needs: a real `gongkai serve` on a fresh SQLite database with the demo
// data and the given staff accounts, and Debian's Chromium driven by Playwright.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export const PASSWORD = 'Harbour-light-42';
export const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;

/// Starts a server with `users` ([username, display name, extra `user add` args, [agency, role]?]).
export async function start(users) {
  const BIN = process.env.GONGKAI_BIN;
  const port = 18000 + Math.floor(Math.random() * 2000);
  const base = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'gongkai-e2e-'));
  const env = { ...process.env, GONGKAI_DATABASE_URL: `sqlite://${dir}/e2e.db`, GONGKAI_LOG: 'warn' };
  const gongkai = (...args) => execFileSync(BIN, args, { env, encoding: 'utf8' });
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(dir, 'pw.txt'), PASSWORD);
  gongkai('demo');
  for (const [name, display, extra, grant] of users) {
    gongkai('user', 'add', name, '--name', display, ...extra, '--password-file', join(dir, 'pw.txt'));
    if (grant) gongkai('user', 'grant', name, '--agency', grant[0], '--role', grant[1]);
  }
  // The server's output goes to this file's stderr, never its stdout: node's test runner reads a
  // test file's stdout as its own serialized messages, and the server's first-administrator
  // lines written into the middle of one failed a CI run ("Unable to deserialize cloned data").
  const server = spawn(BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--insecure-cookies'], { env, stdio: ['ignore', 2, 2] });
  // A test file that dies before `stop()` takes its server with it: one left running held the
  // runner's pipe open, and the CI run waited on it for good.
  process.on('exit', () => server.kill('SIGKILL'));
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${base}/healthz`)).ok) break; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    base,
    browser,
    dir,
    async stop() {
      await browser.close();
      server.kill('SIGTERM');
    },
  };
}

export async function signIn(base, page, username) {
  await page.goto(`${base}/admin/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(`${base}/admin`);
}

/// A signed-in page of `user` in a context of its own; script errors are kept in `page.errors`.
export async function staffPage(app, user) {
  const page = await (await app.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await signIn(app.base, page, user);
  return page;
}

/// The drafter's draft at `itemAdmin` (submitted) through 初审 by `first` and 终审 by `final`;
/// gives the final reviewer's page, the item published.
export async function approveTwice(app, itemAdmin, first, final) {
  const head = await staffPage(app, first);
  await head.goto(itemAdmin);
  await head.getByRole('button', { name: '初审通过' }).click();
  await head.waitForURL(/notice=item_reviewed/);
  const leader = await staffPage(app, final);
  await leader.goto(itemAdmin);
  await leader.getByRole('button', { name: '终审通过并发布' }).click();
  await leader.waitForURL(/notice=item_reviewed/);
  leader.errors.push(...head.errors);
  return leader;
}

/// The page passes axe-core with no serious or critical violation.
export async function accessible(page, name) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`), [], `${name}: accessibility`);
}
