// The back office a town clerk runs alone (issue 15), as far as it is built: a request answered
// 部分公开 with its reasons and the file it provides, which the requester downloads with the
// letter; and the annual report, published only once a second person, the 分管领导, approves.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { ARTIFACTS, start, signIn } from './harness.mjs';

let app;

before(async () => {
  app = await start([
    ['officer', '党政办经办人', [], ['yiyuan-xili', 'case_officer']],
    ['admin', '党政办主任', [], ['yiyuan-xili', 'agency_admin']],
    ['leader', '分管副镇长', [], ['yiyuan-xili', 'final_reviewer']],
  ]);
});

after(async () => {
  await app?.stop();
});

test('a partial disclosure gives its reasons and provides a file the requester downloads', async () => {
  const { base, browser, dir } = app;
  const citizen = await browser.newPage();
  await citizen.goto(`${base}/agencies/yiyuan-xili/requests/new`);
  await citizen.getByLabel('申请人类型').selectOption({ label: '自然人' });
  await citizen.getByLabel('姓名或名称').fill('李四');
  await citizen.getByLabel('身份证件号码或统一社会信用代码').fill('37032319900101123X');
  await citizen.getByLabel('联系电话或电子邮箱').fill('13912345678');
  await citizen.getByLabel('通信地址').fill('沂源县西里镇某村');
  await citizen.getByLabel(/所需政府信息的名称/).fill('2024年西里镇低保资金发放名单');
  await citizen.getByLabel('获取信息的方式').selectOption('电子邮件');
  await citizen.getByRole('button', { name: '提交申请' }).click();
  const code = (await citizen.locator('.secret').innerText()).trim();

  const officer = await browser.newPage();
  await signIn(base, officer, 'officer');
  await officer.goto(`${base}/admin/agencies/yiyuan-xili/requests/${code}`);
  // The file provided goes with the reply.
  const pdf = join(dir, '低保资金发放汇总表.pdf');
  writeFileSync(pdf, '%PDF-1.4\n% 2024 summary\n%%EOF\n');
  await officer.getByLabel(/上传文件/).setInputFiles(pdf);
  await officer.getByRole('button', { name: '上传' }).click();
  await officer.waitForURL(/notice=file_added/);
  // Reasons left out: the form comes back with everything typed.
  await officer.getByLabel(/办理结果/).selectOption({ label: '（二）部分公开（区分处理的，只计这一情形，不计其他情形）' });
  await officer.getByLabel(/提供的信息及方式/).fill('2024年低保资金发放汇总表，见随本答复书提供的文件');
  await officer.getByLabel('不予公开的部分').fill('各户姓名、身份证号和银行账号（西里村部分）。”。');
  await officer.getByLabel(/不予公开部分的依据/).selectOption('withheld.third_party');
  await officer.getByRole('button', { name: '作出答复' }).click();
  await officer.locator('.error-box').waitFor();
  assert.equal(await officer.getByLabel(/提供的信息及方式/).inputValue(), '2024年低保资金发放汇总表，见随本答复书提供的文件');
  assert.equal(await officer.getByLabel(/不予公开部分的依据/).inputValue(), 'withheld.third_party');
  await officer.screenshot({ path: join(ARTIFACTS, 'office-reply-refused.png'), fullPage: true });
  await officer.getByLabel(/^理由/).fill('上述信息属于个人隐私，公开会对第三方合法权益造成损害');
  await officer.getByLabel(/《条例》以外的法律依据/).fill('《中华人民共和国个人信息保护法》第二十五条');
  await officer.getByRole('button', { name: '作出答复' }).click();
  await officer.waitForURL(/notice=step_done/);
  await officer.screenshot({ path: join(ARTIFACTS, 'office-reply-done.png'), fullPage: true });

  await citizen.goto(`${base}/agencies/yiyuan-xili/requests/track?code=${code}&contact=13912345678`);
  await citizen.screenshot({ path: join(ARTIFACTS, 'office-track.png'), fullPage: true });
  // A PDF opens in the browser; what it serves is the file uploaded.
  const href = await citizen.getByRole('link', { name: '低保资金发放汇总表.pdf' }).getAttribute('href');
  const got = await citizen.request.get(new URL(href, base).toString());
  assert.equal(got.status(), 200);
  assert.equal(got.headers()['content-type'], 'application/pdf');
  const saved = join(ARTIFACTS, 'office-provided.pdf');
  writeFileSync(saved, await got.body());
  assert.match(readFileSync(saved, 'utf8'), /^%PDF-1\.4/);
  await citizen.getByRole('row', { name: /答复书/ }).getByRole('button', { name: /网页版/ }).click();
  const letter = await citizen.content();
  assert.match(letter, /不予公开的理由：上述信息属于个人隐私/);
  assert.match(letter, /第十五条/);
  assert.match(letter, /《中华人民共和国个人信息保护法》第二十五条/);
  assert.match(letter, /1\.低保资金发放汇总表\.pdf/);
  assert.doesNotMatch(letter, /。”。/);
  await citizen.screenshot({ path: join(ARTIFACTS, 'office-letter.png'), fullPage: true });
});

test('the report is public only after the 分管领导 approves what was asked', async () => {
  const { base, browser } = app;
  const admin = await browser.newPage();
  await signIn(base, admin, 'admin');
  await admin.goto(`${base}/admin/agencies/yiyuan-xili/reports/2024`);
  // A part is written with the editor: a numbered list after the demo's paragraph.
  const innovation = admin.locator('#part-innovation-editor');
  await innovation.click();
  await admin.keyboard.press('Control+End');
  await admin.keyboard.press('Enter');
  // Typed first, made a list after: the caret stays where the clerk was typing.
  await admin.keyboard.type('优化网站栏目');
  await admin.getByRole('toolbar', { name: '六（四）政务公开工作创新情况格式' })
    .getByRole('button', { name: '编号列表' }).click();
  await admin.keyboard.type('，提升检索');
  await admin.keyboard.press('Enter');
  await admin.keyboard.type('开通政务公众号');
  const toolbar = admin.getByRole('toolbar', { name: '六（四）政务公开工作创新情况格式' });
  assert.equal(await toolbar.getByRole('button', { name: '插入表格' }).count(), 0, 'a report part has no tables');
  await admin.getByRole('button', { name: '保存正文' }).click();
  await admin.waitForURL(/notice=texts_saved/);
  await admin.screenshot({ path: join(ARTIFACTS, 'office-report-editor.png'), fullPage: true });
  await admin.getByRole('link', { name: /核对并提请/ }).click();
  await admin.screenshot({ path: join(ARTIFACTS, 'office-report-confirm.png'), fullPage: true });
  const note = admin.getByLabel(/更正说明/);
  if (await note.count()) await note.fill('补充开头段落');
  await admin.getByRole('button', { name: /提请分管领导批准/ }).click();
  await admin.waitForURL(/notice=proposed/);
  assert.match(await admin.content(), /须由另一位分管领导/);

  const leader = await browser.newPage();
  await signIn(base, leader, 'leader');
  await leader.goto(`${base}/admin/agencies/yiyuan-xili/reports/2024/publish`);
  assert.match(await leader.content(), /党政办主任/);
  await leader.screenshot({ path: join(ARTIFACTS, 'office-report-approve.png'), fullPage: true });
  await leader.getByRole('button', { name: '批准发布' }).click();
  await leader.waitForURL(/notice=published/);

  const reader = await browser.newPage();
  await reader.goto(`${base}/agencies/yiyuan-xili/reports/2024`);
  assert.match(await reader.content(), /在县委县政府的坚强领导与精心指导下/);
  assert.match(await reader.content(), /鲁政办字〔2020〕179号/);
  assert.match(await reader.content(), /<ol><li>优化网站栏目，提升检索<\/li><li>开通政务公众号<\/li><\/ol>/);
  await reader.screenshot({ path: join(ARTIFACTS, 'office-report-public.png'), fullPage: true });
});
