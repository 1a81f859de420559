// Disclosure on request end to end (issue 5): a citizen submits the online form, a case officer
// decides, and the citizen downloads the reply letter from the tracking page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { ARTIFACTS, start, signIn } from './harness.mjs';

let app;

before(async () => {
  app = await start([['officer', '党政办经办人', [], ['yiyuan-xili', 'case_officer']]]);
});

after(async () => {
  await app?.stop();
});

test('a citizen asks, an officer answers, the citizen downloads the letter', async () => {
  const { base, browser } = app;
  const citizen = await browser.newPage();
  await citizen.goto(`${base}/agencies/yiyuan-xili/requests/new`);
  await citizen.getByLabel('申请人类型').selectOption({ label: '自然人' });
  await citizen.getByLabel('姓名或名称').fill('王小明');
  await citizen.getByLabel('身份证件号码或统一社会信用代码').fill('37032319900101123X');
  await citizen.getByLabel('联系电话或电子邮箱').fill('13812345678');
  await citizen.getByLabel('通信地址').fill('沂源县西里镇某村');
  await citizen.getByLabel(/所需政府信息的名称/).fill('2024年西里镇耕地地力保护补贴发放名单');
  await citizen.getByLabel('获取信息的方式').selectOption('电子邮件');
  await citizen.screenshot({ path: join(ARTIFACTS, 'request-form.png'), fullPage: true });
  await citizen.getByRole('button', { name: '提交申请' }).click();
  const code = (await citizen.locator('.secret').innerText()).trim();
  assert.match(code, /^[0-9A-Z]{12}$/);

  const officer = await browser.newPage();
  await signIn(base, officer, 'officer');
  await officer.goto(`${base}/admin/agencies/yiyuan-xili/requests`);
  await officer.getByRole('link', { name: code }).click();
  await officer.getByLabel(/办理结果/).selectOption({ label: '（一）予以公开' });
  await officer.getByLabel(/提供的信息及方式/).fill('现将2024年耕地地力保护补贴发放名单（共3页）通过电子邮件提供给您');
  await officer.getByRole('button', { name: '作出答复' }).click();
  await officer.waitForURL(/notice=step_done/);
  assert.match(await officer.content(), /已答复/);
  await officer.screenshot({ path: join(ARTIFACTS, 'request-officer.png'), fullPage: true });

  await citizen.goto(`${base}/agencies/yiyuan-xili/requests/track`);
  await citizen.getByLabel('查询码').fill(code);
  await citizen.getByLabel('申请时填写的联系方式').fill('13812345678');
  await citizen.getByRole('button', { name: '查询' }).click();
  const row = citizen.getByRole('row', { name: /答复书/ });
  await row.waitFor();
  await citizen.screenshot({ path: join(ARTIFACTS, 'request-track.png'), fullPage: true });
  const [download] = await Promise.all([
    citizen.waitForEvent('download'),
    row.getByRole('button', { name: /Word版/ }).click(),
  ]);
  const file = join(ARTIFACTS, 'reply-letter.docx');
  await download.saveAs(file);
  assert.ok(statSync(file).size > 2000, 'a real Word file');
  await row.getByRole('button', { name: /网页版/ }).click();
  await citizen.waitForLoadState();
  const letter = await citizen.content();
  assert.match(letter, /沂源县西里镇人民政府政府信息公开申请答复书/);
  assert.match(letter, /耕地地力保护补贴发放名单（共3页）/);
  assert.match(letter, /沂源县人民政府申请行政复议/);
  await citizen.screenshot({ path: join(ARTIFACTS, 'reply-letter.png'), fullPage: true });
});
