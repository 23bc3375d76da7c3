// `npm start`: the tool on the example repository, as a new user first sees it:
// its findings (netpol lint) and its reachability matrix (netpol matrix).
import { spawnSync } from 'node:child_process';

const target = process.argv[2] ?? 'examples';
const netpol = (...args) => spawnSync(process.execPath, ['dist/cli.js', ...args], { stdio: 'inherit' }).status;

console.log(`$ netpol lint ${target}\n`);
const lintStatus = netpol('lint', target);
console.log(`\n$ netpol matrix ${target}\n`);
const matrixStatus = netpol('matrix', target);
// lint exits 1 when it finds errors, which the example has on purpose; anything else is a failure.
process.exit(lintStatus === 0 || lintStatus === 1 ? (matrixStatus ?? 1) : (lintStatus ?? 1));
