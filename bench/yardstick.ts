/**
 * The yardstick for "analysis no slower than the parse": the `yaml` package's own
 * parseAllDocuments on a cluster folder's files, in a cold process of its own (bench/run.ts starts
 * one per run). Timed beside an analysis (in bench/stages.ts's process, as it once was), it paid
 * for collecting garbage among the analysis's live objects: at 50k pods that made it ~18% slower
 * than alone, flattering the ratio.
 *
 * Usage: node BUNDLE DIR (bench/run.ts bundles it as the CLI is). Prints `{"ms": N}`.
 */
import { performance } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import { discoverManifests, readSourceFile } from '../server/src/yaml/discover';

const sources = discoverManifests([process.argv[2]]).files.map((f) => readSourceFile(f));
const start = performance.now();
for (const s of sources) parseAllDocuments(s.text);
console.log(JSON.stringify({ ms: performance.now() - start }));
