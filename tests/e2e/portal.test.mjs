// A citizen walks the demo portal (issue 14) at 1366 px and at 390 px, in the standard, large-text
// and high-contrast reading modes: every page carries the site's footer, no page is wider than the
// screen (wide tables scroll inside their own region), no list wraps one character per line, and
// axe-core finds no serious or critical violation. Screenshots of every page in every mode and
// width go to artifacts/portal-*.png. The reading mode is switched with the header's links, once,
// and then kept by its cookie on every page, cached ones included.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { ARTIFACTS, start } from './harness.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let app;

before(async () => {
  app = await start([]);
});

after(async () => {
  await app?.stop();
});

const PAGES = [
  ['home', '/'],
  ['agency', '/agencies/yiyuan-xili'],
  ['rules', '/agencies/yiyuan-xili/rules'],
  ['items', '/agencies/yiyuan-xili/items'],
  ['item', null], // the first item of the list, found on the way
  ['report', '/agencies/yiyuan-xili/reports/2024'],
  ['guide', '/agencies/yiyuan-xili/guide'],
  ['catalogue', '/agencies/yiyuan-xili/catalogue'],
  ['search', '/search?q=%E4%B9%A1%E6%9D%91%E6%8C%AF%E5%85%B4&sort=date'],
  ['request', '/agencies/yiyuan-xili/requests/new'],
  ['track', '/agencies/yiyuan-xili/requests/track'],
  ['messages', '/agencies/yiyuan-xili/messages/new'],
  ['sitemap', '/sitemap'],
  ['contact', '/contact'],
  ['missing', '/no-such-page'],
  // A link with a 100 KB query string: refused by the HTTP parser itself, still in our voice.
  ['toolong', `/search?q=${'a'.repeat(100000)}`],
];

const STATUS = { missing: 404, toolong: 414 };

// How each mode is reached: the header's links, as a visitor would.
const MODES = [
  ['normal', []],
  ['large', ['特大']],
  ['contrast', ['高对比度']],
];

async function accessible(page, name) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`),
    [],
    `${name}: accessibility`,
  );
}

for (const width of [1366, 390]) {
  for (const [mode, clicks] of MODES) {
    test(`a citizen reads the portal at ${width} px in the ${mode} mode`, async () => {
      const { base, browser } = app;
      // bypassCSP only lets the test inject axe-core; the site's own policy forbids inline scripts.
      const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
      const page = await context.newPage();
      await page.goto(`${base}/`);
      for (const label of clicks) {
        await page.getByRole('link', { name: label, exact: false }).first().click();
        await page.waitForLoadState();
      }
      let itemPath = null;
      for (const [name, path] of PAGES) {
        const target = path ?? itemPath;
        const response = await page.goto(`${base}${target}`);
        assert.equal(response.status(), STATUS[name] ?? 200, `${name}: ${target.slice(0, 80)}`);
        if (name === 'track' && width === 390) {
          // No cell of a stacked table narrower than two characters (the letters' 文书 column).
          const narrow = await page.$$eval('table.stack td', (cells) =>
            cells.filter((c) => c.textContent.trim().length > 1 && c.getBoundingClientRect().width < 2.2 * parseFloat(getComputedStyle(c).fontSize)).length);
          assert.equal(narrow, 0, 'tracking page cells readable');
        }
        if (name === 'items') {
          itemPath = await page.locator('table.list a').first().getAttribute('href');
          assert.ok(itemPath, 'the list links its items');
          // No cell of the list is narrower than two characters (no text standing one per line).
          const narrow = await page.$$eval('table.list td', (cells) =>
            cells
              .filter((c) => c.textContent.trim().length > 1 && c.getBoundingClientRect().width > 0)
              .filter((c) => c.getBoundingClientRect().width < 2.2 * parseFloat(getComputedStyle(c).fontSize))
              .map((c) => c.textContent.trim()),
          );
          assert.deepEqual(narrow, [], 'list cells too narrow to read');
        }
        const classes = await page.evaluate(() => document.documentElement.className);
        // The parser's refusal is written outside any request: always the standard mode.
        if (name !== 'toolong') {
          if (mode === 'large') assert.match(classes, /text-2/, `${name}: large text kept`);
          if (mode === 'contrast') assert.match(classes, /contrast/, `${name}: contrast kept`);
          if (mode === 'normal') assert.equal(classes, '', `${name}: standard mode`);
        }
        // One set of reading-mode controls.
        assert.equal(await page.getByRole('link', { name: '大字版' }).count(), 0, `${name}: no second 大字版 control`);
        // The footer's function area, on every page.
        const footer = await page.locator('footer').innerText();
        for (const part of ['我为政府网站找错', '网站标识码', 'ICP备', '公网安备', '主办单位', '网站地图', '联系我们']) {
          assert.ok(footer.includes(part), `${name}: footer has ${part}`);
        }
        assert.ok(await page.locator('footer img[alt="党政机关网站标识"]').isVisible(), `${name}: 党政机关网站标识`);
        // Nothing wider than the screen but the scroll regions meant for it.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 1, `${name}: the page is ${overflow}px wider than the screen`);
        if (name === 'report' && width === 390) {
          const region = page.getByRole('region', { name: /三、收到和处理政府信息公开申请情况.*可左右滑动/ });
          assert.ok(await region.isVisible(), 'table 三 is its own scroll region');
          const [scrollWidth, clientWidth, height, rem] = await region.evaluate((r) => [
            r.scrollWidth, r.clientWidth, r.getBoundingClientRect().height,
            parseFloat(getComputedStyle(document.documentElement).fontSize),
          ]);
          assert.ok(scrollWidth > clientWidth, 'it scrolls sideways');
          // Squeezed into the screen it stood 11,000 px tall; as a scroll region its height is a
          // matter of its 30-odd rows at the reading mode's text size.
          assert.ok(height < 130 * rem, `table 三 is readable, not ${height}px tall (text ${rem}px)`);
          // Scrolled sideways, the row labels stay at the left edge, over the figures.
          await region.evaluate((r) => { r.scrollLeft = 400; });
          const label = region.locator('tbody tr:nth-child(3) th').last();
          const [regionLeft, labelLeft, position] = await Promise.all([
            region.evaluate((r) => r.getBoundingClientRect().left),
            label.evaluate((l) => l.getBoundingClientRect().left),
            label.evaluate((l) => getComputedStyle(l).position),
          ]);
          assert.equal(position, 'sticky', 'the label column is sticky');
          assert.ok(Math.abs(labelLeft - regionLeft) <= 2, `the label stays in view (${labelLeft} vs ${regionLeft})`);
          assert.match(await region.evaluate((r) => getComputedStyle(r, '::before').content), /左右滑动/, 'the scroll cue');
          await region.screenshot({ path: join(ARTIFACTS, `portal-${width}-${mode}-table3.png`) });
          await region.evaluate((r) => { r.scrollLeft = 0; });
          // The charts keep their drawn size and scroll: shrunk to the screen, labels were 7 px.
          const chart = page.getByRole('region', { name: /主动公开.*图表较宽/ });
          assert.ok(await chart.isVisible(), 'the chart is its own scroll region');
          const textPx = await chart.evaluate((r) => {
            const svg = r.querySelector('svg');
            return 12 * svg.getScreenCTM().a;
          });
          assert.ok(textPx >= 12, `the chart's figures are ${textPx.toFixed(1)}px, not at least 12`);
        }
        await page.screenshot({ path: join(ARTIFACTS, `portal-${width}-${mode}-${name}.png`), fullPage: true });
        await accessible(page, `${name} (${width} px, ${mode})`);
      }
      await context.close();
    });
  }
}

test('the reading mode is kept on cached pages and switched back', async () => {
  const { base, browser } = app;
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/agencies/yiyuan-xili/rules`);
  const itemLink = page.locator('main ul.item-list a').first();
  const item = await itemLink.getAttribute('href');
  await page.goto(`${base}${item}`);
  assert.equal(await page.evaluate(() => document.documentElement.className), '');
  await page.getByRole('link', { name: /^大\s*字号$/ }).click();
  await page.waitForLoadState();
  await page.goto(`${base}${item}`);
  assert.match(await page.evaluate(() => document.documentElement.className), /text-1/, 'the item page follows the mode');
  await page.getByRole('link', { name: '加大行距' }).click();
  await page.waitForLoadState();
  assert.match(await page.evaluate(() => document.documentElement.className), /text-1 spacing/);
  await page.getByRole('link', { name: '全部恢复标准' }).click();
  await page.waitForLoadState();
  await page.goto(`${base}${item}`);
  assert.equal(await page.evaluate(() => document.documentElement.className), '', 'and back');
  await context.close();
});
