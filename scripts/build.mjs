// Bundles the entry points (README.md and ARCHITECTURE.md): dist/extension.js (client),
// dist/server.js (language server: carries messages) with dist/server-worker.js (the server itself,
// in a worker thread) and dist/cli.js (the `netpol` bin).
import * as esbuild from 'esbuild';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  define: { NETPOL_VERSION: JSON.stringify(version) },
  // What each bundle is made of: test/security/bundles.test.ts reviews the Node modules they use.
  metafile: true,
};

const results = await Promise.all([
  esbuild.build({
    ...common,
    entryPoints: ['client/src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
  }),
  esbuild.build({ ...common, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' }),
  // The language server itself, in the worker thread dist/server.js starts (server/src/lsp/main.ts).
  esbuild.build({ ...common, entryPoints: ['server/src/lsp/server-worker.ts'], outfile: 'dist/server-worker.js' }),
  esbuild.build({
    ...common,
    entryPoints: ['server/src/cli/netpol.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  }),
]);
chmodSync('dist/cli.js', 0o755);
const metafile = { inputs: {}, outputs: {} };
for (const r of results) {
  Object.assign(metafile.inputs, r.metafile.inputs);
  Object.assign(metafile.outputs, r.metafile.outputs);
}
writeFileSync('dist/metafile.json', JSON.stringify(metafile));
