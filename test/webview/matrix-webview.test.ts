/// <reference lib="dom" />
/**
 * The matrix webview's front end (media/matrix-view.js and .css) in Debian's chromium, without
 * VS Code: the panel's own page (client/src/matrix-html.ts, its CSP and nonce), a stand-in for
 * acquireVsCodeApi that records the messages, and matrix models posted as the extension posts
 * them. Checks the accessible names, the keyboard, virtualization at 500 workloads, the side pane,
 * filters, exports, theme colors only, and that hostile names stay text and nothing runs.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { makeNonce, matrixPageHtml } from '../../client/src/matrix-html';
import { ROOT } from '../helpers';
import { CHROMIUM } from '../e2e/code-server';

const ORIGIN = 'http://matrix.test';
const NONCE = 'n0nce4matrixtest';

/** The panel's page as the extension writes it, served from the test origin. */
const PAGE = matrixPageHtml({
  cspSource: ORIGIN,
  scriptUri: `${ORIGIN}/matrix-view.js`,
  styleUri: `${ORIGIN}/matrix-view.css`,
  nonce: NONCE,
});

const THEME = `:root { --vscode-foreground: #ccc; --vscode-editor-background: #1e1e1e; --vscode-font-family: sans-serif;
  --vscode-font-size: 13px; --vscode-focusBorder: #07f; --vscode-panel-border: #444; }`;

interface Endpoint {
  id: string;
  label: string;
  namespace: string;
  kind: 'workload' | 'pod' | 'outside';
  problems: number;
}
interface Model {
  title: string;
  mode: 'workloads' | 'pods';
  ports: string[];
  endpoints: Endpoint[];
  cells: ([number[], number[]] | [number[], number[], 'opened' | 'closed'])[][];
}

/** shop/web, shop/db (serves TCP 8080 and 9090), the internet; web reaches db on 8080 only. */
function smallModel(): Model {
  const endpoints: Endpoint[] = [
    { id: 'shop/web', label: 'shop/web', namespace: 'shop', kind: 'workload', problems: 0 },
    { id: 'shop/db', label: 'shop/db', namespace: 'shop', kind: 'workload', problems: 1 },
    { id: 'ops/mon', label: 'ops/mon', namespace: 'ops', kind: 'workload', problems: 0 },
    { id: 'internet', label: 'the internet', namespace: '', kind: 'outside', problems: 0 },
  ];
  const none: [number[], number[]] = [[], []];
  return {
    title: 'Reachability',
    mode: 'workloads',
    ports: ['TCP/8080', 'TCP/9090'],
    endpoints,
    cells: [
      [none, [[0], [1]], none, none],
      [none, [[], [0, 1]], none, none],
      [none, [[0, 1], [], 'opened'], none, none],
      [none, [[], [0, 1]], none, none],
    ],
  };
}

function bigModel(n: number, label = (i: number) => `ns-${Math.floor(i / 25)}/workload-${i}`): Model {
  const endpoints = Array.from({ length: n }, (_, i) => ({
    id: `ns-${Math.floor(i / 25)}/workload-${i}`,
    label: label(i),
    namespace: `ns-${Math.floor(i / 25)}`,
    kind: 'workload' as const,
    problems: i % 7 === 0 ? 1 : 0,
  }));
  const cells = endpoints.map((_, r) =>
    endpoints.map((_, c): [number[], number[]] => ((r + c) % 3 === 0 ? [[], [0]] : [[0], []])),
  );
  return { title: 'Big', mode: 'workloads', ports: ['TCP/80'], endpoints, cells };
}

/** bigModel as page script source (plain JavaScript). */
const bigModelSource = `function (n) {
  const endpoints = Array.from({ length: n }, (_, i) => ({
    id: 'ns-' + Math.floor(i / 25) + '/workload-' + i, label: 'ns-' + Math.floor(i / 25) + '/workload-' + i,
    namespace: 'ns-' + Math.floor(i / 25), kind: 'workload', problems: i % 7 === 0 ? 1 : 0,
  }));
  const cells = endpoints.map((_, r) => endpoints.map((_, c) => ((r + c) % 3 === 0 ? [[], [0]] : [[0], []])));
  return { title: 'Big', mode: 'workloads', ports: ['TCP/80'], endpoints, cells };
}`;

let browser: Browser | undefined;
const skip = existsSync(CHROMIUM) ? false : `Debian's chromium is not installed at ${CHROMIUM}`;

/** Opens the page with a model, or with a script that builds one in the page and posts it (large models). */
async function open(model: Model | string): Promise<Page> {
  const page = await browser!.newPage({ viewport: { width: 1200, height: 800 } });
  // A string, not a function: tsx's helpers (__name) do not exist in the page.
  await page.addInitScript(`
    window.__posted = [];
    window.__alerts = 0;
    window.alert = function () { window.__alerts++; };
    let state;
    window.acquireVsCodeApi = function () {
      return {
        postMessage: function (m) { window.__posted.push(m); },
        getState: function () { return state; },
        setState: function (s) { state = s; },
      };
    };
  `);
  const requests: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    requests.push(url);
    const path = url.startsWith(ORIGIN) ? url.slice(ORIGIN.length) : '';
    if (path === '/index.html') return route.fulfill({ contentType: 'text/html', body: PAGE });
    // VS Code puts its theme variables on the page; here they come before the panel's stylesheet.
    if (path === '/matrix-view.css' || path === '/matrix-view.js')
      return route.fulfill({
        contentType: path.endsWith('.js') ? 'text/javascript' : 'text/css',
        body: (path.endsWith('.css') ? THEME : '') + readFileSync(join(ROOT, 'media', path.slice(1)), 'utf8'),
      });
    return route.abort();
  });
  (page as unknown as { requests: string[] }).requests = requests;
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() =>
    ((window as unknown as { __posted: { type: string }[] }).__posted ?? []).some((m) => m.type === 'ready'),
  );
  if (typeof model === 'string') await page.evaluate(model);
  else await post(page, { type: 'model', model });
  await page.waitForSelector('[role="gridcell"]');
  return page;
}

const post = (page: Page, message: unknown) => page.evaluate((m) => window.postMessage(m, '*'), message);
const posted = (page: Page) => page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);
const names = (page: Page) =>
  page.$$eval('[role="gridcell"]', (cells) => cells.map((c) => c.getAttribute('aria-label')));
const focusedName = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label'));

describe('matrix webview', { skip }, () => {
  before(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  });
  after(async () => {
    await browser?.close();
  });

  it('is a grid whose cells read "<source> to <destination>: …" on all declared ports or one', async () => {
    const page = await open(smallModel());
    assert.equal(await page.locator('[role="grid"]').count(), 1);
    const all = await names(page);
    assert.ok(all.includes('shop/web to shop/db: allowed on TCP 8080, denied on TCP 9090'), all.join('\n'));
    assert.ok(all.includes('shop/db to shop/db: denied'));
    assert.ok(all.includes('ops/mon to shop/db: allowed'));
    assert.ok(all.includes('the internet to shop/db: denied'));
    assert.ok(all.includes('shop/web to ops/mon: no declared ports'));
    const opened = page.locator('[aria-label="ops/mon to shop/db: allowed"]');
    assert.equal(await opened.getAttribute('aria-description'), 'newly allowed');
    assert.match((await opened.textContent()) ?? '', /✓\+/, 'allowed and new shown by symbols, not color alone');
    await page.selectOption('select[aria-label="Port"]', { label: 'TCP 9090' });
    assert.ok((await names(page)).includes('shop/web to shop/db: denied'));
    await page.selectOption('select[aria-label="Port"]', { label: 'TCP 8080' });
    assert.ok((await names(page)).includes('shop/web to shop/db: allowed'));
    await page.close();
  });

  it('moves with the arrow keys and opens the explanation with Enter; reveal links post a message', async () => {
    const page = await open(smallModel());
    await page.locator('[role="gridcell"]').first().click();
    assert.equal(await focusedName(page), 'shop/web to shop/web: no declared ports');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focusedName(page), 'shop/web to shop/db: allowed on TCP 8080, denied on TCP 9090');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focusedName(page), 'shop/db to shop/db: denied');
    await page.keyboard.press('ArrowDown'); // over the "namespace ops" group row
    assert.equal(await focusedName(page), 'ops/mon to shop/db: allowed');
    await page.keyboard.press('Enter');
    const request = (await posted(page)).at(-1) as { type: string; from: string; to: string };
    assert.deepEqual(request, { type: 'explain', from: 'ops/mon', to: 'shop/db' });
    await post(page, {
      type: 'explanation',
      explanation: {
        title: 'ops/mon to shop/db',
        directions: [
          { title: 'egress from ops/mon', allowed: true, steps: [{ text: 'no policy selects ops/mon' }] },
          {
            title: 'ingress to shop/db',
            allowed: true,
            steps: [
              { text: 'NetworkPolicy shop/db ingress rule 1 Allow', reveal: { uri: 'file:///db.yaml', line: 7 } },
            ],
          },
        ],
      },
    });
    const pane = page.locator('aside[aria-label="Explanation"]');
    await pane.getByText('ingress to shop/db: allowed ✓').waitFor();
    await pane.getByText('egress from ops/mon: allowed ✓').waitFor();
    await pane.getByRole('button', { name: 'reveal rule' }).click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'reveal', target: { uri: 'file:///db.yaml', line: 7 } });
    // A new model (the user typed): the open pane asks for the same cell's traces again.
    await post(page, { type: 'model', model: smallModel() });
    await page.waitForFunction(
      () => (window as unknown as { __posted: { type: string }[] }).__posted.at(-1)?.type === 'explain',
    );
    assert.deepEqual((await posted(page)).at(-1), { type: 'explain', from: 'ops/mon', to: 'shop/db' });
    await page.close();
  });

  it('filters by namespace, name and problems; collapses a namespace', async () => {
    const page = await open(smallModel());
    await page.selectOption('select[aria-label="Namespace"]', 'ops');
    assert.deepEqual(await names(page), ['ops/mon to ops/mon: no declared ports']);
    await page.selectOption('select[aria-label="Namespace"]', '');
    await page.fill('input[aria-label="Filter by name"]', 'db');
    assert.deepEqual(await names(page), ['shop/db to shop/db: denied']);
    await page.fill('input[aria-label="Filter by name"]', '');
    await page.check('text=Problems only');
    assert.deepEqual(await names(page), ['shop/db to shop/db: denied']);
    await page.uncheck('text=Problems only');
    await page.getByRole('button', { name: /namespace shop/ }).click();
    assert.equal(await page.getByRole('button', { name: /namespace shop/ }).getAttribute('aria-expanded'), 'false');
    assert.ok((await names(page)).every((n) => !n?.includes('shop/')));
    await page.close();
  });

  it('renders only what is in view at 500 workloads, and scrolls to the last one', async () => {
    // Built in the page: 250,000 cells are slow to send through the browser protocol.
    const page = await open(`window.postMessage({ type: 'model', model: (${bigModelSource})(500) }, '*')`);
    const count = await page.locator('[role="gridcell"]').count();
    assert.ok(count > 100 && count < 2500, `${count} cells in the DOM for 250,000`);
    assert.equal(await page.locator('[role="grid"]').getAttribute('aria-colcount'), '501');
    await page.locator('[role="gridcell"]').first().click();
    await page.keyboard.press('End');
    assert.match((await focusedName(page)) ?? '', / to ns-19\/workload-499: /);
    for (let i = 0; i < 30; i++) await page.keyboard.press('PageDown');
    assert.match((await focusedName(page)) ?? '', /^ns-19\/workload-499 to ns-19\/workload-499: /);
    assert.ok((await page.locator('[role="gridcell"]').count()) < 2500);
    await page.close();
  });

  it('exports the current view as CSV (formulas defused) and SVG (names escaped)', async () => {
    const model = smallModel();
    model.endpoints[2].label = '=HYPERLINK("x")';
    const page = await open(model);
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const csv = (await posted(page)).at(-1) as { format: string; content: string };
    assert.equal(csv.format, 'csv');
    const lines = csv.content.split('\r\n');
    assert.equal(lines[0], '"from \\ to","shop/web","shop/db","\'=HYPERLINK(""x"")","the internet"');
    assert.equal(
      lines[1],
      '"shop/web","no declared ports","allowed on TCP 8080, denied on TCP 9090","no declared ports","no declared ports"',
    );
    await page.getByRole('button', { name: 'Export SVG' }).click();
    const svg = (await posted(page)).at(-1) as { format: string; content: string };
    assert.match(svg.content, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg.content, /&gt;|=HYPERLINK\(&quot;x&quot;\)/);
    assert.match(svg.content, /<title>shop\/web to shop\/db: allowed on TCP 8080, denied on TCP 9090<\/title>/);
    await page.close();
  });

  it('keeps hostile names as text: no element, no script, no navigation', async () => {
    const hostile = [
      '<img src=x onerror=alert(1)>',
      '</script><script>alert(2)</script>',
      'javascript:alert(3)',
      `long/${'x'.repeat(10_000)}`,
    ];
    const model = bigModel(4, (i) => hostile[i]);
    model.title = '<b onmouseover=alert(4)>title</b>';
    const page = await open(model);
    const all = await names(page);
    assert.ok(all.includes(`${hostile[0]} to ${hostile[1]}: allowed`), all.join('\n').slice(0, 500));
    assert.equal(await page.locator('#matrix-root img, #matrix-root script, #matrix-root b').count(), 0);
    assert.equal(
      await page.locator('[role="rowheader"]', { hasText: hostile[0] }).count(),
      1,
      'the row header shows it as text',
    );
    assert.equal(await page.locator('h1').textContent(), model.title);
    await page.locator('[role="gridcell"]').first().click();
    await page.keyboard.press('Enter');
    await post(page, {
      type: 'explanation',
      explanation: {
        title: hostile[0],
        notes: [hostile[1]],
        directions: [{ title: hostile[2], allowed: false, steps: [{ text: hostile[0], reveal: { uri: hostile[2] } }] }],
      },
    });
    await page.getByText(`${hostile[2]}: denied ✕`).waitFor();
    assert.equal(await page.locator('aside a[href^="javascript:"]').count(), 0);
    await page.getByRole('button', { name: 'Export SVG' }).click();
    const svg = ((await posted(page)).at(-1) as { content: string }).content;
    assert.ok(!svg.includes('<img') && !svg.includes('<script'), 'SVG export escapes names');
    assert.equal(await page.evaluate(() => (window as unknown as { __alerts: number }).__alerts), 0);
    assert.equal(page.url(), `${ORIGIN}/index.html`);
    const requests = (page as unknown as { requests: string[] }).requests;
    assert.deepEqual(
      requests.filter((u) => !/\/(index\.html|matrix-view\.(css|js))$/.test(u)),
      [],
      'nothing was loaded from a name',
    );
    await page.close();
  });

  it('sends the pods toggle and the comparison to the extension; shows focus, diff summary and errors', async () => {
    const model = { ...smallModel(), diffSummary: 'Compared with HEAD: 1 newly allowed, 0 newly denied' };
    const page = await open(model);
    assert.deepEqual((await posted(page))[0], { type: 'ready', mode: 'workloads', compare: '' });
    await page.check('text=Pods');
    assert.deepEqual((await posted(page)).at(-1), { type: 'options', mode: 'pods', compare: '' });
    await page.selectOption('select[aria-label="Compare with"]', { label: 'Compare with git HEAD' });
    assert.deepEqual((await posted(page)).at(-1), { type: 'options', mode: 'pods', compare: 'HEAD' });
    const status = page.locator('[role="status"]');
    assert.match((await status.textContent()) ?? '', /Compared with HEAD: 1 newly allowed/);
    await post(page, { type: 'focus', ids: ['Deployment x/none', 'ops/mon'], label: 'Deployment ops/mon' });
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label')?.startsWith('ops/mon to '));
    assert.equal(await focusedName(page), 'ops/mon to ops/mon: no declared ports');
    assert.equal(await page.locator('[role="rowheader"].focus').count(), 1);
    assert.match((await status.textContent()) ?? '', /focused on Deployment ops\/mon/);
    await post(page, { type: 'error', message: 'Cannot compare with HEAD: no repository' });
    await page.getByText(/Cannot compare with HEAD: no repository/).waitFor();
    await page.close();
  });

  it("is the extension's page: a nonce on its one script, nothing inline, nothing from elsewhere", () => {
    const nonce = makeNonce((n) => new Uint8Array(n).map((_, i) => i * 37));
    assert.match(nonce, /^[A-Za-z0-9]{32}$/);
    const html = matrixPageHtml({
      cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
      scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/matrix-view.js',
      styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/matrix-view.css',
      nonce,
    });
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1].replace(/&#39;/g, "'");
    assert.equal(
      csp,
      `default-src 'none'; style-src https://file+.vscode-resource.vscode-cdn.net; img-src https://file+.vscode-resource.vscode-cdn.net; font-src https://file+.vscode-resource.vscode-cdn.net; script-src 'nonce-${nonce}'`,
    );
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.equal(scripts.length, 1);
    assert.ok(scripts.every((t) => t.includes(`nonce="${nonce}"`) && / src="/.test(t)));
    assert.doesNotMatch(html, /<script[^>]*>[^<]+<\/script>/, 'no inline script');
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline handlers');
    assert.doesNotMatch(html, /<style|style="/, 'no inline styles');
  });

  it('uses theme colors only, and no inline handlers or HTML insertion in the script', () => {
    const css = readFileSync(join(ROOT, 'media', 'matrix-view.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    assert.deepEqual(css.match(/#[0-9a-f]{3,8}\b|rgba?\(|hsla?\(/gi) ?? [], [], 'literal colors in the CSS');
    const js = readFileSync(join(ROOT, 'media', 'matrix-view.js'), 'utf8');
    assert.doesNotMatch(js, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
    assert.doesNotMatch(js, /setAttribute\(\s*['"]on/);
  });
});
