// An oversight officer sees an agency whose checks fail, and its findings (issue 6).
// Runs against a real `gongkai serve` on a fresh SQLite database; screenshots go to artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, start, signIn as signInAt } from './harness.mjs';

let app;
let browser;
let BASE;

before(async () => {
  app = await start([
    ['admin', '系统管理员', ['--system-admin']],
    ['overseer', '县政务公开办', [], ['yiyuan', 'oversight_officer']],
  ]);
  ({ browser, base: BASE } = app);
});

after(async () => {
  await app?.stop();
});

const signIn = (page, username) => signInAt(BASE, page, username);

test('an oversight officer sees the agency whose checks fail, and why', async () => {
  const admin = await browser.newPage();
  await signIn(admin, 'admin');
  // The town's report text says 99 items were published; its records say otherwise.
  await admin.goto(`${BASE}/admin/agencies/yiyuan-xili`);
  await admin.getByRole('link', { name: /年度报告工作区/ }).click();
  const management = admin.locator('#part-management-editor');
  await management.click();
  await admin.keyboard.press('Control+A');
  await admin.keyboard.type('全年累计主动公开政府信息99条，均经三级审核。');
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
