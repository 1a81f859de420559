// Supervision end to end (issue 8): a citizen files a complaint on the portal, a case officer
// replies and publishes the answer, and the citizen later sees it with the tracking code and on
// the public list of answered complaints. Both public pages pass axe-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { ARTIFACTS, start, signIn } from './harness.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let app;

before(async () => {
  app = await start([['officer', '党政办经办人', [], ['yiyuan-xili', 'case_officer']]]);
});

after(async () => {
  await app?.stop();
});

async function accessible(page, name) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`), [], `${name}: accessibility`);
}

test('a citizen complains and later sees the published answer', async () => {
  const { base, browser } = app;
  // bypassCSP only lets the test inject axe-core; the site's own policy forbids inline scripts.
  const citizen = await (await browser.newContext({ bypassCSP: true })).newPage();
  await citizen.goto(`${base}/agencies/yiyuan-xili`);
  await citizen.getByRole('link', { name: '咨询投诉' }).first().click();
  await citizen.getByRole('link', { name: '我要咨询或投诉' }).click();
  await citizen.getByLabel('投诉').check();
  await citizen.getByLabel('姓名或单位名称').fill('赵六');
  await citizen.getByLabel('联系电话或电子邮箱').fill('13912345678');
  await citizen.getByLabel('标题').fill('政府会议栏目长期未更新');
  await citizen.getByLabel('内容').fill('政府会议栏目已经三个月没有更新，请及时公开会议信息。');
  await citizen.getByLabel(/同意在网站公开/).check();
  await accessible(citizen, 'complaint form');
  await citizen.screenshot({ path: join(ARTIFACTS, 'complaint-form.png'), fullPage: true });
  await citizen.getByRole('button', { name: '提交' }).click();
  const code = (await citizen.locator('.code').innerText()).trim();
  assert.match(code, /^[0-9A-Z]{12}$/);

  const officer = await (await browser.newContext()).newPage();
  await signIn(base, officer, 'officer');
  await officer.goto(`${base}/admin/agencies/yiyuan-xili/messages`);
  await officer.getByRole('link', { name: code }).click();
  await officer.getByLabel('答复意见').fill('感谢监督。政府会议栏目已于今日补充公开三次会议信息。');
  await officer.getByLabel(/在网站公开本留言及答复/).check();
  await officer.getByRole('button', { name: '答复' }).click();
  await officer.waitForURL(new RegExp(`/messages/${code}$`));
  assert.match(await officer.content(), /已在网站公开/);
  await officer.screenshot({ path: join(ARTIFACTS, 'complaint-officer.png'), fullPage: true });

  await citizen.goto(`${base}/agencies/yiyuan-xili/messages/track`);
  await citizen.getByLabel('查询码').fill(code);
  await citizen.getByLabel('提交时填写的联系方式').fill('13912345678');
  await citizen.getByRole('button', { name: '查询' }).click();
  assert.match(await citizen.content(), /政府会议栏目已于今日补充公开/);
  await citizen.goto(`${base}/agencies/yiyuan-xili/messages`);
  const answer = citizen.locator('article.qa', { hasText: '政府会议栏目长期未更新' });
  await answer.waitFor();
  assert.match(await answer.innerText(), /补充公开三次会议信息/);
  assert.doesNotMatch(await citizen.content(), /赵六|13912345678/, 'no personal data on the public page');
  await accessible(citizen, 'answers');
  await citizen.screenshot({ path: join(ARTIFACTS, 'complaint-answers.png'), fullPage: true });
});
