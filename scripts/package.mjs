// Packages the built extension (`npm run build` first) into a .vsix: `node scripts/package.mjs <out.vsix>`.
// .vscodeignore says what goes in; npm run package, npm run try and the tests all package through here.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const out = process.argv[2] ?? 'netpol-studio.vsix';
const vsce = join(import.meta.dirname, '..', 'node_modules', '.bin', 'vsce');
// --no-dependencies: the bundles in dist/ hold every runtime dependency.
const r = spawnSync(
  vsce,
  ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', out],
  { cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'inherit', 'inherit'] },
);
process.exit(r.status ?? 1);
