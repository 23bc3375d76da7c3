/**
 * What the shipped bundles can do, reviewed: no module outside the allow-list
 * below may use child processes, the network or code generation. The
 * analysis is read-only: it reads files and answers; it never runs workspace
 * content, talks to a cluster or sends anything anywhere. The only reviewed
 * uses are the language-server libraries' own transports (IPC pipes and
 * sockets between VS Code and the server, and the client starting the server
 * process), and the CLI running git read-only for `netpol diff --base`. `npm test` builds dist/ (with dist/metafile.json) before the tests.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers';

/** Node modules that start processes, open connections or run code; anything importing them needs review. */
const RISKY = /^(node:)?(child_process|net|http|https|http2|dgram|tls|dns|worker_threads|vm|cluster|inspector)$/;

/** Reviewed: bundle -> module -> the risky Node modules it may import, and why. */
const ALLOWED: Record<string, Record<string, { modules: string[]; why: string }>> = {
  'dist/extension.js': {
    'node_modules/vscode-languageclient/lib/node/main.js': {
      modules: ['child_process'],
      why: 'the client starts the language server (dist/server.js) as a Node process',
    },
    'node_modules/vscode-languageclient/lib/node/processes.js': {
      modules: ['child_process'],
      why: 'the client stops the server process tree on shutdown',
    },
    'node_modules/vscode-jsonrpc/lib/node/main.js': {
      modules: ['net'],
      why: 'JSON-RPC over the IPC pipe between the extension and the server',
    },
  },
  'dist/server.js': {
    'server/src/lsp/main.ts': {
      modules: ['worker_threads'],
      why: 'carries messages between the editor and the language server, which runs in a worker thread',
    },
    'node_modules/vscode-jsonrpc/lib/node/main.js': {
      modules: ['net'],
      why: 'JSON-RPC over the IPC pipe or a socket, as the client chooses',
    },
  },
  'dist/server-worker.js': {
    'server/src/lsp/server-worker.ts': {
      modules: ['worker_threads'],
      why: 'the language server talks to the main thread over its port, and shares a change counter with it',
    },
    'node_modules/vscode-languageserver/lib/node/files.js': {
      modules: ['child_process'],
      why: 'the library can resolve global node modules; this server never calls it',
    },
    'node_modules/vscode-jsonrpc/lib/node/main.js': {
      modules: ['net'],
      why: 'JSON-RPC over the IPC pipe or a socket, as the client chooses',
    },
  },
  'dist/cli.js': {
    'server/src/cli/git-revision.ts': {
      modules: ['child_process'],
      why: 'netpol diff --base REV reads the manifests at a revision with git ls-tree and git cat-file (no shell, read-only)',
    },
  },
};

interface Metafile {
  inputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

describe('security: what the bundles can do', () => {
  const metaPath = join(ROOT, 'dist', 'metafile.json');
  const meta: Metafile | undefined = existsSync(metaPath) ? JSON.parse(readFileSync(metaPath, 'utf8')) : undefined;

  it('uses child processes and the network only where reviewed', () => {
    assert.ok(meta, 'dist/metafile.json is missing: run npm run build');
    const found: string[] = [];
    for (const bundle of Object.keys(ALLOWED)) {
      const out = meta.outputs[bundle];
      assert.ok(out, `${bundle} is not in the metafile`);
      for (const input of Object.keys(out.inputs)) {
        // A linked node_modules (a second checkout sharing the first one's) makes esbuild name
        // inputs by their real path, `../elsewhere/node_modules/...`: review by the package path.
        const reviewed = input.replace(/^(\.\.\/)+[^/]+\/(?=node_modules\/)/, '');
        const risky = (meta.inputs[input]?.imports ?? []).filter((i) => i.external && RISKY.test(i.path));
        for (const r of risky) {
          const name = r.path.replace(/^node:/, '');
          if (!ALLOWED[bundle][reviewed]?.modules.includes(name)) found.push(`${bundle}: ${input} imports ${r.path}`);
        }
      }
    }
    assert.deepEqual(found, [], 'review these and add them to ALLOWED with the reason, or remove the use');
  });

  it('never generates code: no eval and no new Function in any bundle', () => {
    for (const bundle of Object.keys(ALLOWED)) {
      const text = readFileSync(join(ROOT, bundle), 'utf8');
      assert.doesNotMatch(text, /(?<![\w.$])eval\s*\(/, `${bundle} calls eval`);
      assert.doesNotMatch(text, /\bnew\s+Function\s*\(/, `${bundle} calls new Function`);
    }
  });

  it('keeps the CLI free of the network, and of processes but git for `diff --base`', () => {
    assert.deepEqual(Object.keys(ALLOWED['dist/cli.js']), ['server/src/cli/git-revision.ts']);
    assert.deepEqual(ALLOWED['dist/cli.js']['server/src/cli/git-revision.ts'].modules, ['child_process']);
  });
});

describe('security: the analysis is read-only', () => {
  /** File-system functions that change something on disk. */
  const WRITES = new Set([
    'writeFile',
    'writeFileSync',
    'appendFile',
    'appendFileSync',
    'createWriteStream',
    'mkdir',
    'mkdirSync',
    'mkdtemp',
    'mkdtempSync',
    'rm',
    'rmSync',
    'rmdir',
    'rmdirSync',
    'unlink',
    'unlinkSync',
    'rename',
    'renameSync',
    'copyFile',
    'copyFileSync',
    'cp',
    'cpSync',
    'symlink',
    'symlinkSync',
    'chmod',
    'chmodSync',
    'truncate',
    'truncateSync',
    'open',
    'openSync',
  ]);

  /** The write functions a file imports from `fs` (named imports) or calls on a namespace import. */
  function writesIn(text: string): string[] {
    const out: string[] = [];
    for (const m of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(?:node:)?fs(?:\/promises)?'/g))
      for (const name of m[1].split(',').map((x) =>
        x
          .trim()
          .split(/\s+as\s+/)[0]
          .replace(/^type\s+/, ''),
      ))
        if (WRITES.has(name) && !(name === 'openSync' && opensReadOnly(text))) out.push(name);
    for (const m of text.matchAll(/import\s*\*\s*as\s*(\w+)\s*from\s*'(?:node:)?fs(?:\/promises)?'/g))
      for (const call of text.matchAll(new RegExp(`\\b${m[1]}\\.(\\w+)\\s*\\(`, 'g')))
        if (WRITES.has(call[1])) out.push(call[1]);
    return out;
  }

  /** Every openSync call passes read-only flags (`constants.O_RDONLY`, maybe with O_NONBLOCK). */
  function opensReadOnly(text: string): boolean {
    const calls = [...text.matchAll(/\bopenSync\(([^)]*)\)/g)];
    return calls.length > 0 && calls.every((c) => /^[^,]+,\s*constants\.O_RDONLY\b[^,]*$/.test(c[1]));
  }

  function sources(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    );
  }

  it('has no code that writes files in the server or the CLI: output goes to stdout', () => {
    const writers = sources(join(ROOT, 'server', 'src'))
      .map((f) => ({ f, names: writesIn(readFileSync(f, 'utf8')) }))
      .filter((x) => x.names.length)
      .map((x) => `${x.f}: ${x.names.join(', ')}`);
    assert.deepEqual(writers, []);
    assert.deepEqual(writesIn("import { readFileSync, writeFileSync as w } from 'node:fs';"), ['writeFileSync']);
    const open = "import { constants, openSync } from 'node:fs';";
    assert.deepEqual(writesIn(`${open}\nopenSync(p, constants.O_RDONLY | constants.O_NONBLOCK);`), []);
    assert.deepEqual(writesIn(`${open}\nopenSync(p, 'w');`), ['openSync']);
  });

  it('declares restricted mode (untrusted workspaces) supported, and virtual workspaces not', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    assert.equal(pkg.capabilities?.untrustedWorkspaces?.supported, true);
    assert.equal(pkg.capabilities?.virtualWorkspaces?.supported, false);
    assert.match(pkg.capabilities.virtualWorkspaces.description, /disk/);
  });
});
