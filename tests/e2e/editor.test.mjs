// Editing without syntax (issue 15): a clerk drafts an item by pasting a notice copied from Word
// (paragraphs, a numbered list, a table and a picture that Word leaves on the clerk's disk),
// inserts the picture with 插入图片, previews it, and after 初审 and 终审 the portal shows the
// list, the table and the picture. The 机关管理员 then edits the guide's fields and the catalogue
// through their forms. Screenshots go to artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, start, signIn, staffPage, approveTwice, accessible } from './harness.mjs';

const FIXTURES = new URL('../../fixtures/word/', import.meta.url).pathname;
const AGENCY = 'yiyuan-xili';
let app;

before(async () => {
  app = await start([
    ['drafter', '党政办起草人', [], [AGENCY, 'drafter']],
    ['head', '党政办主任', [], [AGENCY, 'first_reviewer']],
    ['leader', '分管副镇长', [], [AGENCY, 'final_reviewer']],
    ['keeper', '党政办管理员', [], [AGENCY, 'agency_admin']],
  ]);
});

after(async () => {
  await app?.stop();
});


test('a notice pasted from Word keeps its list, table and picture through review to the portal', async () => {
  const { base } = app;
  const drafter = await staffPage(app, 'drafter');
  await drafter.goto(`${base}/admin/agencies/${AGENCY}/items/new`);
  await drafter.getByLabel('标题', { exact: true }).fill('西里镇2026年冬季村庄清洁行动实施方案');
  await drafter.getByLabel('成文日期').fill('2026-11-20');
  await drafter.getByLabel(/信息形成（变更）日期/).fill('2026-11-23');
  await drafter.getByLabel('所属栏目').selectOption('乡村振兴');
  await drafter.getByLabel('文件类型').selectOption({ label: '其他文件' });
  await drafter.getByLabel(/内容概述/).fill('冬季村庄清洁行动的重点任务和时间安排。');

  // The textarea is replaced by the editor; its toolbar is made of labelled buttons.
  const area = drafter.getByRole('textbox', { name: /^正文/ });
  await area.click();
  for (const name of ['段落', '标题', '加粗', '编号列表', '项目列表', '插入表格', '链接', '预览']) {
    await drafter.getByRole('toolbar').getByRole('button', { name, exact: true }).waitFor();
  }
  assert.equal(await drafter.getByRole('button', { name: '插入图片' }).count(), 0, 'pictures need a saved draft');

  // Paste what Word put on the clipboard.
  const clipboard = readFileSync(join(FIXTURES, 'notice-clipboard.html'), 'utf8');
  await drafter.evaluate((html) => {
    const target = document.querySelector('.editor-area');
    target.focus();
    const data = new DataTransfer();
    data.setData('text/html', html);
    data.setData('text/plain', '西里镇2026年冬季村庄清洁行动实施方案');
    target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, clipboard);
  await drafter.getByRole('status').filter({ hasText: '无法随文字带入' }).waitFor();
  const pasted = await drafter.locator('.editor-area').innerHTML();
  assert.doesNotMatch(pasted, /style=|class=|mso-|o:p|file:|<span/i, 'Word styling is dropped');
  assert.equal(await drafter.locator('.editor-area ol > li').count(), 3, 'Word list paragraphs became a list');
  assert.equal(await drafter.locator('.editor-area table tr').count(), 3);
  assert.match(pasted, /<b>一、重点任务<\/b>/);

  // A closing heading and paragraph typed with the toolbar.
  await area.press('Control+End');
  await drafter.keyboard.press('Enter');
  await drafter.getByRole('button', { name: '标题', exact: true }).click();
  await drafter.keyboard.type('三、工作要求');
  await drafter.keyboard.press('Enter');
  await drafter.getByRole('button', { name: '段落', exact: true }).click();
  await drafter.keyboard.type('各村要明确专人负责，做到日常保洁常态化。');
  await drafter.getByRole('button', { name: '保存草稿' }).click();
  await drafter.waitForURL(/notice=item_saved/);

  // Now a draft: the picture Word could not carry is uploaded and inserted where it belongs.
  await drafter.locator('.editor-area p', { hasText: '联系人' }).click();
  await drafter.keyboard.press('Home');
  drafter.once('dialog', (d) => d.accept('西里村村务公开栏'));
  const [chooser] = await Promise.all([
    drafter.waitForEvent('filechooser'),
    drafter.getByRole('button', { name: '插入图片' }).click(),
  ]);
  await chooser.setFiles(join(FIXTURES, 'bulletin-board.png'));
  await drafter.getByRole('status').filter({ hasText: '已插入图片' }).waitFor();
  const img = drafter.locator('.editor-area img[alt="西里村村务公开栏"]');
  await img.waitFor();
  assert.ok(await img.evaluate((i) => i.complete && i.naturalWidth === 64), 'the draft shows its picture');

  // The preview is the server's rendering, as the portal will show it.
  await drafter.getByRole('button', { name: '预览', exact: true }).click();
  const preview = drafter.locator('.editor-preview');
  await preview.getByRole('heading', { name: /预览/ }).waitFor();
  assert.equal(await preview.locator('ol > li').count(), 3);
  assert.equal(await preview.locator('table tr').count(), 3);
  assert.equal(await preview.locator('img').count(), 1);
  await drafter.screenshot({ path: join(ARTIFACTS, 'editor-draft.png'), fullPage: true });
  // axe is injected as a script, which the page's policy forbids: a second view of the draft
  // page in a context that lets it in.
  const audit = await (await app.browser.newContext({ bypassCSP: true })).newPage();
  await signIn(base, audit, 'drafter');
  await audit.goto(drafter.url());
  await audit.locator('.editor-area').waitFor();
  await accessible(audit, 'the editor');
  // Saved again (the address already says so: wait for the new page itself).
  await Promise.all([drafter.waitForNavigation(), drafter.getByRole('button', { name: '保存草稿' }).click()]);
  await drafter.getByRole('button', { name: '提交初审' }).click();
  await drafter.waitForURL(/notice=item_reviewed/);
  const itemAdmin = drafter.url().split('?')[0];

  const leader = await approveTwice(app, itemAdmin, 'head', 'leader');
  const itemUrl = new URL(await leader.getByRole('link', { name: '在门户查看' }).getAttribute('href'), base).href;

  const visitor = await (await app.browser.newContext()).newPage();
  await visitor.goto(itemUrl);
  const body = visitor.locator('.item-body');
  assert.equal(await body.locator('ol > li').count(), 3, 'the list');
  assert.equal(await body.locator('table tr').count(), 3, 'the table');
  assert.equal(await body.getByRole('heading', { name: '三、工作要求' }).count(), 1);
  const picture = body.getByRole('img', { name: '西里村村务公开栏' });
  await picture.waitFor();
  assert.ok(await picture.evaluate((i) => i.complete && i.naturalWidth === 64), 'the picture loads for the public');
  const html = await body.innerHTML();
  assert.doesNotMatch(html, /style=|mso-|file:/i);
  await visitor.screenshot({ path: join(ARTIFACTS, 'editor-portal-item.png'), fullPage: true });
  assert.deepEqual([...drafter.errors, ...leader.errors], [], 'no script errors');

  // Without JavaScript the same form is a plain textarea whose blank lines become paragraphs.
  const plain = await (await app.browser.newContext({ javaScriptEnabled: false })).newPage();
  await signIn(base, plain, 'drafter');
  await plain.goto(`${base}/admin/agencies/${AGENCY}/items/new`);
  assert.ok(await plain.getByLabel(/^正文/).isVisible());
});

test('the guide and the catalogue are edited through forms', async () => {
  const { base } = app;
  const keeper = await staffPage(app, 'keeper');
  await keeper.goto(`${base}/admin/agencies/${AGENCY}/guide`);
  await keeper.getByLabel('受理机构名称').fill('西里镇党政办公室');
  await keeper.getByLabel('传真号码').fill('无');
  await keeper.getByLabel('联系电话').fill('');
  await keeper.getByLabel('修订说明').fill('2026年修订');
  // The browser's own checks are not what keeps the form: the server's message does.
  await keeper.getByRole('button', { name: '保存为新版本并发布' }).click();
  await keeper.getByRole('alert').filter({ hasText: '指南未保存' }).waitFor();
  await keeper.getByText('请填写联系电话。').waitFor();
  assert.equal(await keeper.getByLabel('受理机构名称').inputValue(), '西里镇党政办公室', 'what was typed stays');
  assert.equal(await keeper.getByLabel('传真号码').inputValue(), '无');
  await keeper.getByLabel('联系电话').fill('0533-3240001');
  await keeper.screenshot({ path: join(ARTIFACTS, 'editor-guide-form.png'), fullPage: true });
  await keeper.getByRole('button', { name: '保存为新版本并发布' }).click();
  await keeper.waitForURL(`${base}/admin/agencies/${AGENCY}/guide`);
  const visitor = await (await app.browser.newContext()).newPage();
  await visitor.goto(`${base}/agencies/${AGENCY}/guide`);
  const guide = await visitor.innerText('main');
  assert.match(guide, /机构名称：西里镇党政办公室/);
  assert.match(guide, /联系电话：0533-3240001/);
  assert.match(guide, /传真号码：无/);
  // The demo town confirmed its guide as version 1; the clerk's save is the next version.
  assert.match(guide, /第2版/);
  assert.doesNotMatch(guide, /正在编制/);

  await keeper.goto(`${base}/admin/agencies/${AGENCY}/catalogue`);
  const rows = keeper.locator('table.catalogue-rows tbody tr');
  const before = await rows.count();
  await keeper.getByRole('button', { name: '添加一行' }).click();
  await keeper.getByRole('status').filter({ hasText: '已在表格末尾添加一行' }).waitFor();
  assert.equal(await rows.count(), before + 1);
  await keeper.getByLabel(`第${before + 1}行 栏目名称`).fill('村务公开');
  await keeper.getByLabel(`第${before + 1}行 公开内容`).fill('村级财务、村务事项');
  await keeper.getByLabel(`第${before + 1}行 公开时限`).selectOption('10个工作日');
  await keeper.getByRole('button', { name: new RegExp(`^上移\\s*第${before + 1}行$`) }).click();
  assert.equal(await keeper.getByLabel(`第${before}行 栏目名称`).inputValue(), '村务公开', 'moved up, typing kept');
  assert.equal(await keeper.getByLabel(`第${before}行 公开时限`).inputValue(), '10个工作日');
  await keeper.getByLabel('第2行 栏目名称').fill('政府常务会议');
  await keeper.screenshot({ path: join(ARTIFACTS, 'editor-catalogue-form.png'), fullPage: true });
  await keeper.getByRole('button', { name: /保存目录/ }).first().click();
  await keeper.waitForURL(`${base}/admin/agencies/${AGENCY}/catalogue`);
  await visitor.goto(`${base}/agencies/${AGENCY}/catalogue`);
  const catalogue = await visitor.innerText('main');
  assert.match(catalogue, /村务公开/);
  assert.match(catalogue, /政府常务会议/);
  assert.doesNotMatch(catalogue, /政府会议\s/);
  assert.deepEqual(keeper.errors, [], 'no script errors');
});

test('a table inserted after a typed list is a table of its own, header row included, with the caret in it', async () => {
  const { base } = app;
  const drafter = await staffPage(app, 'drafter');
  await drafter.goto(`${base}/admin/agencies/${AGENCY}/items/new`);
  const toolbar = drafter.getByRole('toolbar');
  await drafter.getByRole('textbox', { name: /^正文/ }).click();
  await toolbar.getByRole('button', { name: '段落', exact: true }).click();
  await drafter.keyboard.type('申请材料如下：');
  await drafter.keyboard.press('Enter');
  await toolbar.getByRole('button', { name: '项目列表', exact: true }).click();
  await drafter.keyboard.type('身份证明');
  await drafter.keyboard.press('Enter');
  await drafter.keyboard.type('申请表');
  await drafter.keyboard.press('Enter');
  await drafter.keyboard.press('Enter');
  const answers = ['2', '2'];
  drafter.on('dialog', (d) => d.accept(answers.shift()));
  await toolbar.getByRole('button', { name: '插入表格', exact: true }).click();
  await drafter.keyboard.type('姓名');
  const shape = await drafter.locator('.editor-area').evaluate((area) => ({
    listInParagraph: area.querySelectorAll(':scope p ul, :scope p ol').length,
    tables: area.querySelectorAll(':scope > table').length,
    headerInTable: area.querySelectorAll('table > thead > tr > th').length,
    strayHeader: area.querySelectorAll(':scope > thead, p > thead').length,
    typedInHeader: area.querySelector('table th')?.textContent,
    items: [...area.querySelectorAll('ul > li')].map((li) => li.textContent),
  }));
  assert.deepEqual(shape, {
    listInParagraph: 0,
    tables: 1,
    headerInTable: 2,
    strayHeader: 0,
    typedInHeader: '姓名',
    items: ['身份证明', '申请表'],
  });
  assert.deepEqual(drafter.errors, []);
});
