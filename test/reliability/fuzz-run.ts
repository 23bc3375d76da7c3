/**
 * `npm run fuzz -- --cases N [--seed S] [--budget SECONDS]`: runs the mutation
 * fuzzer (fuzz-cases.ts) in a worker process and watches it: a case that
 * takes longer than its budget is a hang (the worker is killed and restarted
 * after it). Prints one line per failure, then a summary; exits 1 on any
 * failure or hang. Case i of seed S is always the same input, so a failure is
 * reproduced with `--from i --cases i+1`. `--seconds T` stops after T seconds
 * and reports how many cases ran; so does SIGTERM or SIGINT (a long run stopped
 * by hand still records what it did, and the case to resume from with --from), and a progress line is printed every
 * `--progress N` cases (default 1000). Each case is checked in-process
 * (fuzz-cases.ts) and against the language server and `netpol lint --format
 * json` on the same files (fuzz-oracle.ts); `--no-server` leaves the second out.
 * `--matrix-scale` runs the 10,000-pod matrix check instead (matrix-scale-run.ts).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mutate, prng, runCase, seedCorpus, toBytes } from './fuzz-cases';
import { type FuzzInput, LspCliOracle } from './fuzz-oracle';
import { matrixScaleRun } from './matrix-scale-run';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const cases = option('cases', 1000);
const seed = option('seed', 1);
const budget = option('budget', 20);
const from = option('from', 0);
/** Stop after this many seconds (the cases run so far are reported): 0 = no limit. */
const seconds = option('seconds', 0);
const progress = option('progress', 1000);

/** Without --no-server, each case is also compared with the language server's diagnostics (fuzz-oracle.ts). */
const withServer = !process.argv.includes('--no-server');

/** The input of case i (the same for every run with this seed): text or bytes, on disk or opened in the editor. */
export function fuzzInput(corpus: readonly string[], s: number, i: number): FuzzInput {
  const rnd = prng(s * 1_000_003 + i);
  const content = toBytes(mutate(corpus[Math.floor(rnd() * corpus.length)], rnd), rnd);
  return { content, open: typeof content === 'string' && rnd() < 0.3 };
}

if (process.argv.includes('--matrix-scale'))
  void matrixScaleRun(option('namespaces', 333)).then((code) => {
    process.exitCode = code;
  });
else if (process.argv.includes('--worker')) void worker();
else void supervise();

async function worker(): Promise<void> {
  const corpus = seedCorpus();
  const oracle = withServer ? new LspCliOracle(budget * 1000) : undefined;
  for (let i = from; i < cases; i++) {
    process.stdout.write(`start ${i}\n`);
    const t = performance.now();
    const input = fuzzInput(corpus, seed, i);
    let r = runCase(input.content);
    if (r.ok && oracle) r = await oracle.check(input);
    const ms = Math.round(performance.now() - t);
    process.stdout.write(r.ok ? `ok ${i} ${ms}\n` : `fail ${i} ${JSON.stringify(r.problem)}\n`);
  }
  await oracle?.stop();
}

async function supervise(): Promise<void> {
  const started = Date.now();
  const failures: string[] = [];
  let done = 0;
  let slowest = { i: -1, ms: 0 };
  let next = from;
  /** The first case not yet judged: a stopped run resumes there with --from. */
  let resumeAt = from;
  let stopped = false;
  const deadline = seconds > 0 ? setTimeout(() => (stopped = true), seconds * 1000) : undefined;
  let interrupted = false;
  let currentWorker: ReturnType<typeof spawn> | undefined;
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.on(signal, () => {
      stopped = true;
      interrupted = true;
      currentWorker?.kill('SIGTERM');
    });
  while (next < cases && !stopped) {
    const worker = spawn(
      process.execPath,
      [
        ...process.execArgv,
        __filename,
        '--worker',
        '--cases',
        String(cases),
        '--seed',
        String(seed),
        '--from',
        String(next),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    currentWorker = worker;
    let current = next;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => worker.kill('SIGKILL'), budget * 1000);
    };
    arm();
    let hung = false;
    const exited = new Promise<void>((resolve) =>
      worker.on('exit', (_code, signal) => {
        clearTimeout(timer);
        hung = signal === 'SIGKILL';
        resolve();
      }),
    );
    for await (const line of createInterface({ input: worker.stdout! })) {
      const [what, index, rest] = line.split(' ', 3);
      const i = Number(index);
      if (what === 'start') {
        current = i;
        arm();
      } else if (what === 'ok') {
        done++;
        resumeAt = i + 1;
        if (progress > 0 && done % progress === 0)
          console.log(
            `progress: ${done} cases, ${failures.length} failures, ${((Date.now() - started) / 1000).toFixed(0)} s; cases ${from} to ${i} done, resume with --from ${i + 1}`,
          );
        if (stopped) worker.kill('SIGTERM');
        if (Number(rest) > slowest.ms) slowest = { i, ms: Number(rest) };
      } else if (what === 'fail') {
        done++;
        resumeAt = i + 1;
        failures.push(`case ${i} (seed ${seed}): ${line.slice(line.indexOf(' ', 5) + 1)}`);
        console.log(failures.at(-1));
      }
    }
    await exited;
    if (stopped) break;
    if (hung) {
      done++;
      resumeAt = current + 1;
      failures.push(`case ${current} (seed ${seed}): hang, over the ${budget} s budget`);
      console.log(failures.at(-1));
    } else if (current < cases - 1 && done < cases - from) {
      failures.push(`case ${current} (seed ${seed}): the worker died`);
      console.log(failures.at(-1));
    }
    next = current + 1;
  }
  clearTimeout(deadline);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `fuzz: ${done} cases (seed ${seed}, from ${from}), ${failures.length} failures, slowest case ${slowest.i} at ${slowest.ms} ms, ${secs} s${interrupted ? ' (stopped by a signal)' : stopped ? ` (stopped after ${seconds} s)` : ''}${resumeAt < cases ? `; resume with --from ${resumeAt}` : ''}`,
  );
  process.exitCode = failures.length ? 1 : 0;
}
