// Proactive disclosure end to end (issue 4): a drafter writes an item, two other people review it,
// and it appears on the portal, in its feed and in search. Screenshots of the home, item and search
// pages go to artifacts/, and each page passes axe-core with no serious or critical violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, start, signIn, staffPage, approveTwice, accessible } from './harness.mjs';

let app;

before(async () => {
  app = await start([
    ['drafter', '党政办起草人', [], ['yiyuan-xili', 'drafter']],
    ['head', '党政办主任', [], ['yiyuan-xili', 'first_reviewer']],
    ['leader', '分管副镇长', [], ['yiyuan-xili', 'final_reviewer']],
  ]);
});

after(async () => {
  await app?.stop();
});


test('a drafted item is reviewed twice and appears on the portal, in its feed and in search', async () => {
  const { base, browser } = app;
  const drafter = await staffPage(app, 'drafter');
  await drafter.goto(`${base}/admin/agencies/yiyuan-xili/items/new`);
  await drafter.getByLabel('标题', { exact: true }).fill('西里镇关于做好2026年农村宅基地审核工作的通知');
  await drafter.getByLabel(/发文字号/).fill('西政发〔2026〕9号');
  await drafter.getByLabel('成文日期').fill('2026-11-20');
  await drafter.getByLabel(/信息形成（变更）日期/).fill('2026-11-23');
  await drafter.getByLabel('所属栏目').selectOption('乡村振兴');
  await drafter.getByLabel(/主题分类/).fill('城乡建设、环境保护\\城乡建设（含住房）');
  await drafter.getByLabel('文件类型').selectOption({ label: '行政规范性文件' });
  await drafter.getByLabel(/^有效性/).selectOption({ label: '有效' });
  await drafter.getByLabel('关键词').fill('宅基地');
  await drafter.getByLabel(/内容概述/).fill('明确农村宅基地审核的程序、材料和时限。');
  // The body's editor (a textbox over the hidden textarea): a heading, then a paragraph.
  await drafter.getByRole('textbox', { name: /^正文/ }).click();
  await drafter.getByRole('button', { name: '标题', exact: true }).click();
  await drafter.keyboard.type('一、审核程序');
  await drafter.keyboard.press('Enter');
  await drafter.getByRole('button', { name: '段落', exact: true }).click();
  await drafter.keyboard.type('村民申请使用宅基地的，向村民委员会提出书面申请……');
  await drafter.getByRole('button', { name: '保存草稿' }).click();
  await drafter.waitForURL(/notice=item_saved/);
  await drafter.getByRole('button', { name: '提交初审' }).click();
  await drafter.waitForURL(/notice=item_reviewed/);
  const itemAdmin = drafter.url().split('?')[0];

  const leader = await approveTwice(app, itemAdmin, 'head', 'leader');
  assert.match(await leader.content(), /已发布/);
  await leader.screenshot({ path: join(ARTIFACTS, 'item-admin.png'), fullPage: true });
  const portalLink = leader.getByRole('link', { name: '在门户查看' });
  const itemUrl = new URL(await portalLink.getAttribute('href'), base).href;

  const visitor = await (await browser.newContext({ bypassCSP: true })).newPage();
  await visitor.goto(`${base}/`);
  await visitor.screenshot({ path: join(ARTIFACTS, 'home.png'), fullPage: true });
  await accessible(visitor, 'home');
  await visitor.goto(itemUrl);
  const text = await visitor.innerText('main');
  assert.match(text, /西政发〔2026〕9号/);
  // The demo's 2024 report took 00001 of the 2025 series (published in January 2025, as the seed
  // town did): this is the first item of this year's.
  assert.match(text, /11370323004345133C\/2026-00001/);
  await visitor.screenshot({ path: join(ARTIFACTS, 'item.png'), fullPage: true });
  await accessible(visitor, 'item');
  const feed = await (await fetch(`${base}/agencies/yiyuan-xili/feed.atom`)).text();
  assert.match(feed, /农村宅基地审核工作的通知/);
  await visitor.goto(`${base}/search?q=${encodeURIComponent('宅基地')}`);
  const hit = visitor.getByRole('link', { name: /农村宅基地审核工作的通知/ });
  await hit.waitFor();
  await visitor.screenshot({ path: join(ARTIFACTS, 'search.png'), fullPage: true });
  await accessible(visitor, 'search');
});

test('an item from before gongkai is marked 废止 and another withdrawn: the portal shows the date and a notice', async () => {
  const { base, browser } = app;
  const leader = await (await browser.newContext()).newPage();
  await signIn(base, leader, 'leader');
  await leader.goto(`${base}/admin/agencies/yiyuan-xili/items`);
  const legacy = leader.getByRole('table', { name: '系统启用前发布的信息' }).getByRole('link');
  const first = legacy.filter({ hasText: '申请办理制度' });
  const itemId = (await first.getAttribute('href')).split('/').pop();
  await first.click();
  await leader.getByLabel('有效性', { exact: true }).selectOption({ label: '废止' });
  await leader.getByLabel(/废止或失效日期/).fill('2026-01-01');
  await leader.getByRole('button', { name: '标注有效性' }).click();
  await leader.waitForURL(/notice=item_marked/);
  await leader.screenshot({ path: join(ARTIFACTS, 'item-legacy-marked.png'), fullPage: true });

  const visitor = await (await browser.newContext({ bypassCSP: true })).newPage();
  await visitor.goto(`${base}/agencies/yiyuan-xili/items/${itemId}`);
  assert.match(await visitor.innerText('main'), /本文件已于2026-01-01废止/);

  await leader.goto(`${base}/admin/agencies/yiyuan-xili/items`);
  const second = leader.getByRole('table', { name: '系统启用前发布的信息' }).getByRole('link', { name: /保密审查制度/ });
  const title = await second.innerText();
  const secondId = (await second.getAttribute('href')).split('/').pop();
  await second.click();
  await leader.getByLabel('撤回理由', { exact: true }).fill('与另一条信息重复');
  await leader.getByLabel('在撤回公告中公开撤回理由').check();
  await leader.getByRole('button', { name: '撤回（下架）' }).click();
  await leader.waitForURL(/notice=item_withdrawn/);

  const answer = await visitor.goto(`${base}/agencies/yiyuan-xili/items/${secondId}`);
  assert.equal(answer.status(), 410);
  const notice = await visitor.innerText('main');
  assert.ok(notice.includes(title) && notice.includes('与另一条信息重复'), notice);
  await visitor.screenshot({ path: join(ARTIFACTS, 'item-withdrawn.png'), fullPage: true });
  await accessible(visitor, 'withdrawn item');
});

test('an item from before gongkai is corrected through both reviews: the portal shows the new text and the note', async () => {
  const { base, browser } = app;
  const drafter = await staffPage(app, 'drafter');
  await drafter.goto(`${base}/admin/agencies/yiyuan-xili/items`);
  const legacy = drafter.getByRole('table', { name: '系统启用前发布的信息' }).getByRole('link', { name: /政府信息公开工作制度/ });
  const itemId = (await legacy.getAttribute('href')).split('/').pop();
  await legacy.click();
  await drafter.getByLabel(/更正说明/).fill('补充联系电话');
  await drafter.getByRole('button', { name: '起草更正' }).click();
  await drafter.waitForURL(/notice=item_revising/);
  // The working copy opens with the published text; the drafter adds a line in the editor.
  await drafter.getByRole('textbox', { name: /^正文/ }).click();
  await drafter.keyboard.press('Control+End');
  await drafter.keyboard.press('Enter');
  await drafter.keyboard.type('咨询电话：0533-3210000。');
  await drafter.getByRole('button', { name: '保存草稿' }).click();
  await drafter.waitForURL(/notice=item_saved/);
  await drafter.getByRole('button', { name: '提交初审' }).click();
  await drafter.waitForURL(/notice=item_reviewed/);
  const itemAdmin = drafter.url().split('?')[0];

  // Until the final approval the portal keeps the published version.
  const visitor = await (await browser.newContext({ bypassCSP: true })).newPage();
  await visitor.goto(`${base}/agencies/yiyuan-xili/items/${itemId}`);
  assert.doesNotMatch(await visitor.innerText('main'), /0533-3210000/);

  const leader = await approveTwice(app, itemAdmin, 'head', 'leader');
  assert.deepEqual(leader.errors, []);
  await visitor.goto(`${base}/agencies/yiyuan-xili/items/${itemId}`);
  const text = await visitor.innerText('main');
  assert.match(text, /咨询电话：0533-3210000。/);
  assert.match(text, /本信息已更正[\s\S]*补充联系电话/);
  await visitor.screenshot({ path: join(ARTIFACTS, 'item-legacy-corrected.png'), fullPage: true });
  await accessible(visitor, 'corrected item');
});
