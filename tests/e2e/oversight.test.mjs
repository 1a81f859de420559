// An oversight officer sees an agency whose checks fail, and its findings (issue 6).
// Runs against a real `gongkai serve` on a fresh SQLite database; screenshots go to artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BIN = process.env.GONGKAI_BIN;
const PORT = 18000 + Math.floor(Math.random() * 1000);
const BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = 'Harbour-light-42';
const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'gongkai-e2e-'));
const env = { ...process.env, GONGKAI_DATABASE_URL: `sqlite://${dir}/e2e.db`, GONGKAI_LOG: 'warn' };
let server;
let browser;

const gongkai = (...args) => execFileSync(BIN, args, { env, encoding: 'utf8' });

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(dir, 'pw.txt'), PASSWORD);
  gongkai('demo');
  gongkai('user', 'add', 'admin', '--name', '系统管理员', '--system-admin', '--password-file', join(dir, 'pw.txt'));
  gongkai('user', 'add', 'overseer', '--name', '县政务公开办', '--password-file', join(dir, 'pw.txt'));
  gongkai('user', 'grant', 'overseer', '--agency', 'yiyuan', '--role', 'oversight_officer');
  server = spawn(BIN, ['serve', '--listen', `127.0.0.1:${PORT}`, '--insecure-cookies'], { env, stdio: 'inherit' });
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${BASE}/healthz`)).ok) break; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
});

async function signIn(page, username) {
  await page.goto(`${BASE}/admin/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(`${BASE}/admin`);
}

test('an oversight officer sees the agency whose checks fail, and why', async () => {
  const admin = await browser.newPage();
  await signIn(admin, 'admin');
  // The town's report text says 99 items were published; its records say otherwise.
  await admin.goto(`${BASE}/admin/agencies/yiyuan-xili`);
  await admin.getByRole('link', { name: /年度报告工作区/ }).click();
  await admin.getByLabel('一（三）政府信息管理').fill('全年累计主动公开政府信息99条，均经三级审核。');
  await admin.getByRole('button', { name: '保存正文' }).click();
  await admin.waitForURL(/notice=texts_saved/);
  assert.match(await admin.content(), /TX-TEXT/);
  await admin.screenshot({ path: join(ARTIFACTS, 'workspace-with-error.png'), fullPage: true });

  const officer = await browser.newPage();
  await signIn(officer, 'overseer');
  await officer.getByRole('link', { name: '机关' }).click();
  await officer.getByRole('link', { name: '沂源县人民政府' }).click();
  await officer.getByRole('link', { name: /年度报告汇总/ }).click();
  const row = officer.getByRole('row', { name: /沂源县西里镇人民政府/ });
  await row.waitFor();
  const text = await row.innerText();
  assert.match(text, /正文写主动公开政府信息总数99，但表格中为\d+/);
  assert.match(text, /\t1\t/, 'one error counted');
  await officer.screenshot({ path: join(ARTIFACTS, 'oversight-summary.png'), fullPage: true });
  // The officer reads but cannot change: no save button in the workspace.
  await officer.goto(`${BASE}/admin/agencies/yiyuan-xili`);
  await officer.getByRole('link', { name: /年度报告工作区/ }).click();
  assert.equal(await officer.getByRole('button', { name: '保存正文' }).count(), 0);
});
