/**
 * `npm run bench`: the pipeline on generated clusters (bench/generate.ts) of 1k and
 * 10k pods (50k with `--50k`: several minutes). Every run is a cold process of its
 * own: bench/stages.ts for the time of each stage and lint rule, and the built CLI's
 * `netpol lint --format json` for the wall time and peak RSS a user sees, and bench/yardstick.ts
 * for the `yaml` package's parse of the same files, alone. Prints
 * medians (and the spread) over the runs, never a single run.
 *
 * Each size in both of bench/generate.ts's styles: `rendered` (Helm-rendered charts, the density
 * of the clusters: 5 MB at 10k pods) and `compact` (only what the analysis reads, four
 * times smaller; the parse, the yardstick, is then cheaper against the same analysis).
 *
 * Options: `--sizes 1000,10000` (pods), `--50k` (adds 50000), `--styles rendered,compact`,
 * `--runs N` (default 5, 3 at 10k, 1 at 50k), `--keep` (leave the generated folders in the temp
 * directory: netpol-bench-rendered-PODS and netpol-bench-PODS).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildSync } from 'esbuild';
import { type ClusterStyle, generateCluster } from './generate';

interface StageRun {
  readonly ms: Record<string, number>;
  readonly rules: Record<string, number>;
  readonly counts: Record<string, number>;
  readonly peakRssMb: number;
}

const argv = process.argv.slice(2);
const option = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const sizes = (option('--sizes') ?? '1000,10000').split(',').map(Number);
if (argv.includes('--50k')) sizes.push(50000);
const styles = (option('--styles') ?? 'rendered,compact').split(',') as ClusterStyle[];
const runsFor = (pods: number) => Number(option('--runs') ?? (pods >= 50000 ? 1 : pods >= 10000 ? 3 : 5));
const root = join(__dirname, '..');
const cli = join(root, 'dist', 'cli.js');
const rssProbe = join(__dirname, 'peak-rss.cjs');

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

function row(name: string, xs: readonly number[], unit = 'ms'): string {
  const spread = xs.length > 1 ? `   (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})` : '';
  return `  ${name.padEnd(32)} ${fmt(median(xs)).padStart(8)} ${unit}${spread}`;
}

function writeCluster(pods: number, style: ClusterStyle): string {
  const dir = join(tmpdir(), style === 'compact' ? `netpol-bench-${pods}` : `netpol-bench-${style}-${pods}`);
  rmSync(dir, { recursive: true, force: true });
  for (const f of generateCluster(pods, style)) {
    const path = join(dir, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.text);
  }
  return dir;
}

/** One cold `netpol lint --format json`: wall time and the process's peak RSS. */
function cliLint(dir: string): { wallMs: number; peakRssMb: number } {
  const rssFile = join(tmpdir(), `netpol-bench-rss-${process.pid}.json`);
  const t = performance.now();
  const r = spawnSync(
    process.execPath,
    ['--require', rssProbe, cli, 'lint', dir, '--format', 'json', '--fail-on', 'none'],
    {
      env: { ...process.env, NETPOL_BENCH_RSS_FILE: rssFile },
      maxBuffer: 1 << 30,
    },
  );
  const wallMs = performance.now() - t;
  if (r.status !== 0) throw new Error(`netpol lint failed (${r.status}): ${r.stderr.toString().slice(0, 2000)}`);
  const { peakRssMb } = JSON.parse(readFileSync(rssFile, 'utf8'));
  rmSync(rssFile, { force: true });
  return { wallMs, peakRssMb };
}

/**
 * bench/stages.ts bundled as the CLI is (esbuild, once per bench run): under tsx every
 * imported constant is a getter call, which made hot loops in the stages look slower
 * than they are in dist/cli.js.
 */
function bundle(entry: string): string {
  const outfile = join(tmpdir(), `netpol-bench-${entry.replace('.ts', '')}-${process.pid}.js`);
  buildSync({
    entryPoints: [join(__dirname, entry)],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  process.on('exit', () => rmSync(outfile, { force: true }));
  return outfile;
}
const stagesBundle = bundle('stages.ts');
const yardstickBundle = bundle('yardstick.ts');

/** The yaml package's parseAllDocuments of the folder, alone in a cold process (bench/yardstick.ts). */
function yardstick(dir: string): number {
  const out = execFileSync(process.execPath, [yardstickBundle, dir], { cwd: root, maxBuffer: 1 << 20 });
  return JSON.parse(out.toString()).ms;
}

function stages(dir: string, pods: number): StageRun {
  const args = [stagesBundle, dir];
  // A matrix of every pod pair at 50k pods is 2.5 GB of cells: measured up to 10k.
  if (pods > 10000) args.push('--no-pod-matrix');
  const out = execFileSync(process.execPath, args, { cwd: root, maxBuffer: 1 << 30 });
  return JSON.parse(out.toString());
}

console.log(`${new Date().toISOString()}; node ${process.version}`);
for (const pods of sizes)
  for (const style of styles) {
    const dir = writeCluster(pods, style);
    const runs = runsFor(pods);
    const stageRuns: StageRun[] = [];
    const lintRuns: { wallMs: number; peakRssMb: number }[] = [];
    const yardstickRuns: number[] = [];
    for (let r = 0; r < runs; r++) {
      stageRuns.push(stages(dir, pods));
      lintRuns.push(cliLint(dir));
      yardstickRuns.push(yardstick(dir));
    }
    const c = stageRuns[0].counts;
    console.log(
      `\n${style}: ${c.pods} pods, ${c.policies} policies, ${c.files} files, ${(c.bytes / 1e6).toFixed(2)} MB; ${c.atoms} atoms, ${c.classes} classes, ${c.workloads} workloads, ${c.findings} findings; ${runs} runs, medians (min–max)`,
    );
    console.log(
      row(
        'netpol lint --format json (wall)',
        lintRuns.map((x) => x.wallMs),
      ),
    );
    console.log(
      row(
        '  its peak RSS',
        lintRuns.map((x) => x.peakRssMb),
        'MB',
      ),
    );
    const stageNames = Object.keys(stageRuns[0].ms);
    for (const s of stageNames)
      console.log(
        row(
          s,
          stageRuns.map((x) => x.ms[s]),
        ),
      );
    const analysisStages = ['model', 'addressing', 'policy', 'endpoints', 'engine', 'lint rules'];
    const analysis = stageRuns.map((x) => analysisStages.reduce((n, s) => n + x.ms[s], 0));
    console.log(row('analysis (model … lint rules)', analysis));
    console.log(
      `  analysis / parse                 ${(median(analysis) / median(stageRuns.map((x) => x.ms.parse))).toFixed(2)}`,
    );
    console.log(row('yaml parseAllDocuments, alone', yardstickRuns));
    console.log(`  analysis / yaml parseAllDocuments ${(median(analysis) / median(yardstickRuns)).toFixed(2)}`);
    console.log(
      row(
        'stages peak RSS',
        stageRuns.map((x) => x.peakRssMb),
        'MB',
      ),
    );
    console.log('  lint rules, slowest first:');
    const rules = Object.keys(stageRuns[0].rules)
      .map((id) => ({ id, ms: median(stageRuns.map((x) => x.rules[id])) }))
      .sort((a, b) => b.ms - a.ms);
    for (const { id, ms } of rules) if (ms >= 0.5) console.log(`    ${id.padEnd(32)} ${fmt(ms).padStart(8)} ms`);
    if (!argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
