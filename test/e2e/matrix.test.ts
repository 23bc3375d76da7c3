/**
 * End to end, the reachability matrix panel in real VS Code (code-server) on a git repository of
 * examples/: the panel opens beside the editor with the expected cells (read through their
 * accessible names inside the webview's frames), a cell's explanation and its reveal link, an edit
 * that closes a connection and the cell changing live, and the diff mode marking it against git
 * HEAD (VS Code's git extension) and not against the saved files once saved. A screenshot per step
 * goes to docs/images/ (the README shows them).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { ROOT } from '../helpers';
import { ensureCodeServer, openFile, packageVsix, runCommand, type Session, startSession } from './code-server';

const skip = process.env.NETPOL_SKIP_E2E === '1' ? 'NETPOL_SKIP_E2E=1' : false;
const IMAGES = join(ROOT, 'docs', 'images');

const OPEN = 'shop/frontend to shop/api: allowed on TCP 8000, denied on TCP 9090';
const CLOSED = 'shop/frontend to shop/api: denied';

/** examples/ as a git repository with one commit, so HEAD is the examples as shipped. */
function gitCopyOfExamples(): string {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-e2e-repo-'));
  const repo = join(dir, 'examples');
  cpSync(join(ROOT, 'examples'), repo, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.invalid', ...args], {
      cwd: repo,
      stdio: 'ignore',
    });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'examples');
  return dir;
}

describe('e2e: the reachability matrix panel (code-server)', { skip }, () => {
  let session: Session;
  let repoDir: string | undefined;

  before(async () => {
    ensureCodeServer();
    mkdirSync(join(ROOT, '.e2e'), { recursive: true });
    const vsix = join(ROOT, '.e2e', 'netpol-studio-matrix.vsix');
    packageVsix(vsix);
    repoDir = gitCopyOfExamples();
    session = await startSession(vsix, join(repoDir, 'examples'));
  });

  after(async () => {
    await session?.stop();
    if (repoDir) rmSync(repoDir, { recursive: true, force: true });
  });

  /** One step of a test: on failure, a screenshot and the extension's logs (Session.step). */
  const step = <T>(name: string, f: () => Promise<T>): Promise<T> => session.step(`matrix-${name}`, f);

  /** The matrix page inside the panel's webview frames. */
  const matrix = (): FrameLocator =>
    session.page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
  const cell = (name: string) => matrix().locator(`[role="gridcell"][aria-label="${name}"]`);
  const shot = (file: string) => session.page.screenshot({ path: join(IMAGES, file) });

  it('opens beside the editor with the expected cells', async () => {
    const { page } = session;
    mkdirSync(IMAGES, { recursive: true });
    await step('open-file', () => openFile(page, 'shop/network-policies.yaml'));
    // The side bar off: room for the matrix beside the editor.
    await page.keyboard.press('Control+B');
    await step('command', () => runCommand(page, 'NetPol: Show Reachability Matrix'));
    await step('cells', async () => {
      // The grid's own box is empty (its rows are positioned): wait for it in the DOM, then for cells.
      await matrix()
        .locator('[role="grid"][aria-label="Reachability matrix"]')
        .waitFor({ state: 'attached', timeout: 90_000 });
      await matrix().locator('[role="gridcell"]').first().waitFor({ timeout: 90_000 });
      // Every namespace and the outside world (the README's picture), then only shop's workloads.
      await cell(OPEN).waitFor({ timeout: 60_000 });
      await cell('the internet to shop/frontend: denied').waitFor();
      await cell('monitoring/prometheus to the internet: allowed').waitFor();
      await shot('matrix.png');
      await matrix().locator('select[aria-label="Namespace"]').selectOption('shop');
      await cell(OPEN).waitFor();
      await cell('shop/api to shop/redis: allowed').waitFor();
      await cell('shop/api to shop/postgres: denied').waitFor();
      await cell('shop/worker to shop/worker: no declared ports').waitFor();
    });
    // The panel is beside the editor: both are visible.
    assert.equal(await page.locator('.tabs-container .tab[data-resource-name="network-policies.yaml"]').count(), 1);
    await page.locator('.tabs-container .tab', { hasText: 'Reachability Matrix' }).first().waitFor();
  });

  it('explains a cell in both directions and reveals the deciding rule', async () => {
    const { page } = session;
    await step('explain', async () => {
      await cell(OPEN).click();
      const pane = matrix().locator('aside[aria-label="Explanation"]');
      await pane.getByText('TCP 8000 · ingress to shop/api: allowed ✓').waitFor({ timeout: 30_000 });
      await pane.getByText('TCP 8000 · egress from shop/frontend: allowed ✓').waitFor();
      await pane.getByText('TCP 9090 · ingress to shop/api: denied ✕').waitFor();
      await pane
        .getByText(/NetworkPolicy shop\/api-from-frontend .*ingress rule 1 Allow/)
        .first()
        .waitFor();
      await shot('matrix-explanation.png');
      await pane.getByRole('button', { name: 'reveal rule' }).nth(1).click();
    });
    await step('reveal', async () => {
      // The rule `- from:` of api-from-frontend is line 46.
      await page
        .locator('#status\\.editor\\.selection', { hasText: /Ln 46,/ })
        .first()
        .waitFor({ timeout: 30_000 });
    });
  });

  it('follows an edit that closes the connection live, then marks it in the diff against git HEAD', async () => {
    const { page } = session;
    await step('edit', async () => {
      // The editor shows line 46 (revealed above): go to line 49, `app: frontend`, and change the label.
      await page.keyboard.press('Control+G');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor();
      await input.fill(':49');
      await page.keyboard.press('Enter');
      await page.keyboard.press('End');
      await page.keyboard.type('-old');
      await page.locator('.monaco-editor .view-line', { hasText: 'app: frontend-old' }).first().waitFor();
    });
    await step('live', async () => {
      await cell(CLOSED).waitFor({ timeout: 60_000 });
      assert.equal(await cell(OPEN).count(), 0);
      // The open explanation follows too.
      await matrix()
        .locator('aside[aria-label="Explanation"]')
        .getByText('TCP 8000 · ingress to shop/api: denied ✕')
        .waitFor({ timeout: 30_000 });
      await shot('matrix-live.png');
    });
    await step('save', async () => {
      await page.keyboard.press('Control+S');
      await page.locator('.tabs-container .tab.dirty').first().waitFor({ state: 'detached', timeout: 30_000 });
    });
    await step('diff-head', async () => {
      await matrix().locator('select[aria-label="Compare with"]').selectOption({ label: 'Compare with git HEAD' });
      const marked = cell(CLOSED);
      await matrix()
        .locator(`[role="gridcell"][aria-label="${CLOSED}"][aria-description="newly denied"]`)
        .waitFor({ timeout: 60_000 });
      assert.match((await marked.textContent()) ?? '', /✕−/, 'newly denied is a symbol, not a color alone');
      await matrix()
        .getByText(/Compared with HEAD: 0 newly allowed, \d+ newly denied/)
        .waitFor();
      await shot('matrix-diff.png');
    });
    await step('diff-saved', async () => {
      // Saved, the file equals its saved state: nothing is newly denied against it.
      await matrix().locator('select[aria-label="Compare with"]').selectOption({ label: 'Compare with saved files' });
      await matrix()
        .getByText(/Compared with the saved files: 0 newly allowed, 0 newly denied/)
        .waitFor({ timeout: 60_000 });
      assert.equal(await cell(CLOSED).getAttribute('aria-description'), null);
    });
  });
});
