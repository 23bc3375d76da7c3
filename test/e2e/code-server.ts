/**
 * Real VS Code for end-to-end tests: code-server (from npm) with the packaged
 * extension, driven by playwright-core in Debian's chromium. code-server is
 * installed once into .e2e/tools; each run gets its own HOME, user data,
 * extensions folder and workspace copy, and is stopped by process group.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { ROOT } from '../helpers';

const CODE_SERVER_VERSION = '4.100.3';
const TOOLS = join(ROOT, '.e2e', 'tools');
const CODE_SERVER = join(TOOLS, 'node_modules', '.bin', 'code-server');
export const CHROMIUM = process.env.NETPOL_CHROMIUM ?? '/usr/bin/chromium';

/** Checks Debian's chromium is there for playwright, and installs code-server unless it is there. */
export function ensureCodeServer(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium (see README.md) or set NETPOL_CHROMIUM`,
    );
  installCodeServer();
}

/** Installs code-server into .e2e/tools unless it is there (about a minute). */
export function installCodeServer(): void {
  if (existsSync(CODE_SERVER)) return;
  mkdirSync(TOOLS, { recursive: true });
  writeFileSync(join(TOOLS, 'package.json'), '{"name": "netpol-e2e-tools", "private": true}\n');
  // @vscode/ripgrep downloads rg from GitHub at install time; seed its cache with the system rg instead.
  const tmp = mkdtempSync(join(tmpdir(), 'netpol-rg-'));
  const cache = join(tmp, 'vscode-ripgrep-cache-1.15.11');
  const stage = join(tmp, 'stage');
  mkdirSync(cache, { recursive: true });
  mkdirSync(stage);
  const rg = execFileSync('sh', ['-c', 'command -v rg']).toString().trim();
  cpSync(rg, join(stage, 'rg'));
  execFileSync('tar', ['czf', join(cache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz'), '-C', stage, 'rg']);
  try {
    execFileSync(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--unsafe-perm',
        '--foreground-scripts',
        `code-server@${CODE_SERVER_VERSION}`,
      ],
      {
        cwd: TOOLS,
        env: { ...process.env, TMPDIR: tmp, npm_config_yes: 'true' },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (!existsSync(CODE_SERVER)) throw new Error('code-server did not install');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'editor.hover.delay': 200,
  'files.autoSave': 'off',
};

export interface Session {
  readonly page: Page;
  readonly workspace: string;
  /**
   * Runs one step of a test; when it fails, saves a screenshot as .e2e/artifacts/<name>.png and
   * adds the extension's output channel and the extension host's log to the error, so a failure
   * in CI (where only the test output is kept) says what the language server was doing.
   */
  step<T>(name: string, f: () => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

const ARTIFACTS = join(ROOT, '.e2e', 'artifacts');
/** How much of each log a failure report quotes (its end). */
const LOG_TAIL_LINES = 60;

/** The log files under code-server's user data folder whose names match `name` (newest runs last). */
function logFiles(dir: string, name: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && name.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** The ends of the NetPol Studio output channel and the extension host logs, for a failure report. */
export function extensionLogs(userDataDir: string): string {
  const files = [...logFiles(join(userDataDir, 'logs'), /NetPol Studio\.log$|^exthost\.log$|^remoteexthost\.log$/)];
  if (files.length === 0) return `(no logs found under ${userDataDir})`;
  return files
    .map((f) => {
      const lines = readFileSync(f, 'utf8').trimEnd().split('\n');
      const tail = lines.slice(-LOG_TAIL_LINES).join('\n');
      return `--- ${f.slice(userDataDir.length + 1)} (last ${Math.min(lines.length, LOG_TAIL_LINES)} of ${lines.length} lines)\n${tail}`;
    })
    .join('\n');
}

export interface CodeServer {
  /** The workbench with the workspace open, e.g. http://127.0.0.1:41234/?folder=... */
  readonly url: string;
  readonly port: number;
  /** The copy of the folder that code-server has open. */
  readonly workspace: string;
  /** The environment code-server runs in (its own HOME and XDG folders), for the browser too. */
  readonly env: NodeJS.ProcessEnv;
  /** Kills code-server's process group and deletes its HOME, settings and workspace copy. */
  stop(): void;
}

/**
 * Packages the built extension (dist/, from `npm run build`) into `out` with scripts/package.mjs,
 * the same way `npm run package` does.
 */
export function packageVsix(out: string): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), out], { cwd: ROOT, stdio: 'ignore' });
  if (!existsSync(out)) throw new Error(`vsce did not write ${out}`);
}

/**
 * Starts code-server on 127.0.0.1 (a free port, no auth) with the extension (a .vsix) installed,
 * on a copy of `folder`, in its own process group, and waits until it answers.
 */
export async function startCodeServer(vsix: string, folder: string): Promise<CodeServer> {
  const run = mkdtempSync(join(tmpdir(), 'netpol-e2e-'));
  const home = join(run, 'home');
  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
  };
  const workspace = join(run, 'ws');
  cpSync(folder, workspace, { recursive: true });
  mkdirSync(join(run, 'udd', 'User'), { recursive: true });
  writeFileSync(join(run, 'udd', 'User', 'settings.json'), JSON.stringify(QUIET_SETTINGS, null, 2));
  const base = [
    '--config',
    join(run, 'config.yaml'),
    '--user-data-dir',
    join(run, 'udd'),
    '--extensions-dir',
    join(run, 'exts'),
  ];
  execFileSync(CODE_SERVER, [...base, '--install-extension', vsix], { env, stdio: 'ignore' });
  const port = await freePort();
  const server: ChildProcess = spawn(
    CODE_SERVER,
    [
      ...base,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      workspace,
    ],
    { env, detached: true, stdio: 'ignore' },
  );
  const stop = () => {
    try {
      if (server.pid) process.kill(-server.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    rmSync(run, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (r.ok) break;
      } catch {
        /* not up yet */
      }
      if (server.exitCode !== null) throw new Error(`code-server exited (${server.exitCode}) before answering`);
      if (Date.now() > deadline) throw new Error('code-server did not start within 60 s');
      await new Promise((r) => setTimeout(r, 300));
    }
  } catch (e) {
    stop();
    throw e;
  }
  return { url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`, port, workspace, env, stop };
}

/** Starts code-server with the extension (a .vsix) on a copy of `folder`, and opens it in chromium. */
export async function startSession(vsix: string, folder: string): Promise<Session> {
  const server = await startCodeServer(vsix, folder);
  const env = server.env;
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      env,
    });
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    // Only localhost: the workbench's calls to the internet would just fail slowly.
    await context.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) => route.abort());
    const page = await context.newPage();
    await page.goto(server.url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const b = browser;
    const userDataDir = join(dirname(server.workspace), 'udd');
    return {
      page,
      workspace: server.workspace,
      async step<T>(name: string, f: () => Promise<T>): Promise<T> {
        try {
          return await f();
        } catch (e) {
          mkdirSync(ARTIFACTS, { recursive: true });
          await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) }).catch(() => undefined);
          if (e instanceof Error)
            e.message += `\n\nThe extension's logs when step "${name}" failed:\n${extensionLogs(userDataDir)}`;
          throw e;
        }
      },
      async stop() {
        await b.close().catch(() => undefined);
        server.stop();
      },
    };
  } catch (e) {
    await browser?.close().catch(() => undefined);
    server.stop();
    throw e;
  }
}

/** Opens a workspace file through Quick Open and waits for its editor tab. */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  const name = relativePath.split('/').pop()!;
  await page
    .locator('.monaco-workbench')
    .click({ position: { x: 800, y: 500 } })
    .catch(() => undefined);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(relativePath);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab[data-resource-name="${name}"]`).waitFor();
}

/** Runs a command by its title from the command palette. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  // Wait for the exact command to be listed and focused before accepting: Enter on a stale list runs another command.
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}
