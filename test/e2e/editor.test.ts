/**
 * End to end, as a user sees it: the packaged extension in real VS Code
 * (code-server) on the example repository. Set NETPOL_SKIP_E2E=1 to leave it
 * out of a quick local run; CI always runs it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../helpers';
import { ensureCodeServer, openFile, packageVsix, type Session, startSession } from './code-server';

const skip = process.env.NETPOL_SKIP_E2E === '1' ? 'NETPOL_SKIP_E2E=1' : false;

describe('e2e: the extension in VS Code (code-server)', { skip }, () => {
  let session: Session;

  before(async () => {
    ensureCodeServer();
    const vsix = join(ROOT, '.e2e', 'netpol-studio.vsix');
    mkdirSync(join(ROOT, '.e2e'), { recursive: true });
    packageVsix(vsix);
    assert.ok(existsSync(vsix));
    session = await startSession(vsix, join(ROOT, 'examples'));
  });

  after(async () => {
    await session?.stop();
  });

  /** One step of a test: on failure, a screenshot and the extension's logs (Session.step). */
  const step = <T>(name: string, f: () => Promise<T>): Promise<T> => session.step(`${name}`, f);

  it('shows the selector typo as a warning squiggle and in the Problems panel', async () => {
    const { page } = session;
    await step('open', () => openFile(page, 'shop/network-policies.yaml'));
    // The Problems panel lists the typo once the first analysis is published; other rules add
    // findings of their own to the examples, so the test looks for this one by its text.
    await step('problems', async () => {
      await page.keyboard.press('Control+Shift+M');
      // The panel's list is virtualized: filter it down to this finding so its row is rendered.
      const filter = page.locator('input[placeholder^="Filter (e.g. text"]').first();
      const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'Did you mean app=postgres?' });
      // A filter typed while the panel is still opening can be dropped (a CI run and a local one
      // showed the published problems under an empty filter): type it again until the row shows.
      const deadline = Date.now() + 180_000;
      for (;;) {
        await filter.fill('Did you mean app=postgres');
        const shown = await row
          .first()
          .waitFor({ timeout: 15_000 })
          .then(() => true)
          .catch(() => false);
        if (shown) break;
        if (Date.now() > deadline) await row.first().waitFor({ timeout: 1 });
      }
      // Opening the entry reveals the finding in the editor.
      await row.first().dblclick();
    });
    await step('squiggle', async () => {
      await page.locator('.monaco-editor .view-lines .view-line', { hasText: 'app: postgress' }).first().waitFor();
      await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: 30_000 });
    });
  });

  it('applies the quick fix, and the warning goes away', async () => {
    const { page } = session;
    await step('quickfix', async () => {
      // Put the cursor on the postgress label, then ask for quick fixes.
      await page.locator('.monaco-editor .view-lines .view-line', { hasText: 'app: postgress' }).first().click();
      await page.keyboard.press('End');
      await page.keyboard.press('Control+.');
      await page
        .getByText('Change app=postgress to app=postgres', { exact: true })
        .first()
        .waitFor({ timeout: 30_000 });
      await page.keyboard.press('Enter');
      await page
        .locator('.monaco-editor .view-lines .view-line', { hasText: 'postgress' })
        .first()
        .waitFor({ state: 'detached' });
    });
    // The warning goes away as soon as the text changes, before any save.
    await step('cleared', () =>
      page
        .locator('.markers-panel .monaco-list-row', { hasText: 'Did you mean app=postgres?' })
        .waitFor({ state: 'detached', timeout: 30_000 }),
    );
    await step('saved', async () => {
      await page.keyboard.press('Control+S');
      await page.locator('.tabs-container .tab.dirty').first().waitFor({ state: 'detached', timeout: 30_000 });
    });
    const text = readFileSync(join(session.workspace, 'shop', 'network-policies.yaml'), 'utf8');
    assert.match(text, /app: postgres\n/);
    assert.doesNotMatch(text, /postgress/);
  });

  it('shows reachability inline: CodeLens and inlay hints on a policy, and a hover on its selector', async () => {
    const { page } = session;
    const images = join(ROOT, 'docs', 'images');
    mkdirSync(images, { recursive: true });
    const goToLine = async (line: number) => {
      await page.keyboard.press('Control+G');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor();
      await input.fill(`:${line}`);
      await page.keyboard.press('Enter');
    };
    await step('codelens', async () => {
      await page.locator('.monaco-editor .view-lines').first().click();
      await goToLine(36);
      await page
        .locator('.codelens-decoration', { hasText: 'selects 2 pods · admits 1 workload' })
        .filter({ visible: true })
        .first()
        .waitFor({ timeout: 60_000 });
    });
    await step('inlay', async () => {
      await page
        .locator('.monaco-editor .view-line', { hasText: 'isolates 2 pods · admits 1 workload' })
        .filter({ visible: true })
        .first()
        .waitFor({ timeout: 30_000 });
      await page.locator('.monaco-editor .view-line', { hasText: '→ 2 pods' }).first().waitFor();
      await page.locator('.part.editor').screenshot({ path: join(images, 'inlay-hints.png') });
    });
    await step('hover', async () => {
      await goToLine(43); // api-from-frontend: `app: api`
      await page.keyboard.press('End');
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
      await page
        .locator('.monaco-hover', { hasText: 'selects 2 pods of Deployment shop/api: api-0, api-1' })
        .first()
        .waitFor({ timeout: 30_000 });
      await page.locator('.part.editor').screenshot({ path: join(images, 'hover.png') });
      await page.keyboard.press('Escape');
    });
  });
});
