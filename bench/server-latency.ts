/**
 * The language server's latency as an editor sees it, over stdio with the
 * bundled dist/server.js (`npm run build` first; `npm run bench` does):
 *
 * - edit: `didChange` of one policy -> the `publishDiagnostics` for that
 *   version, minus the server's quiet period (DEBOUNCE_MS), at 1k and 10k pods
 *   (bench/generate.ts's `generateCluster`, the clusters of bench/run.ts); medians of
 *   several edits. Each edit changes a peer selector of one NetworkPolicy (its text
 *   differs every time). Targets: < 100 ms at 1k, < 500 ms at 10k.
 * - main thread: the longest the server's main thread (the one reading the
 *   editor's messages) was blocked while the edits ran (`netpol/mainThreadStats`).
 *   Target: never > 200 ms.
 * - hover during analysis: a hover sent right after an edit of another file,
 *   answered from the latest analysis (its document did not change).
 * - burst: 1,000 `didChange` in a row -> diagnostics of the last (target: < 1 s
 *   after the last change, quiet period included).
 *
 * Usage: node --import tsx bench/server-latency.ts [1k|10k] [--edits N] [--server FILE] [--style S]
 * (`1k` or `10k`: that size only; `--edits`: edits measured per size; `--server`: another
 * build's server.js, to compare with, e.g. a copy of main's dist/; `--style`: bench/generate.ts's
 * cluster style, `rendered` (the default, as Helm renders charts) or `compact`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { DEBUG_STATS_REQUEST, type DebugStats } from '../server/src/lsp/debug-stats';
import { MAIN_THREAD_STATS_REQUEST, type MainThreadStats } from '../server/src/lsp/relay';
import { DEBOUNCE_MS } from '../server/src/lsp/session';
import { type ClusterStyle, generateCluster } from './generate';

const ROOT = join(__dirname, '..');
const SIZES: { name: string; pods: number; edits: number; target: number; burst: boolean }[] = [
  { name: '1k pods', pods: 1000, edits: 9, target: 100, burst: true },
  { name: '10k pods', pods: 10000, edits: 5, target: 500, burst: false },
];

/** The edited file, and the one hovered while the analysis of an edit runs. */
const EDITED = 'team-1/network-policies.yaml';
const HOVERED = 'team-2/network-policies.yaml';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

const argv = process.argv.slice(2);
const option = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const SERVER = option('--server') ?? join(ROOT, 'dist', 'server.js');
const EDITS = option('--edits') === undefined ? undefined : Number(option('--edits'));
const STYLE = (option('--style') ?? 'rendered') as ClusterStyle;

class Server {
  readonly connection: ProtocolConnection;
  private readonly proc: ChildProcess;
  private waiters: ((p: PublishDiagnosticsParams) => void)[] = [];

  constructor() {
    this.proc = spawn(process.execPath, [SERVER, '--stdio'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.connection = createProtocolConnection(
      new StreamMessageReader(this.proc.stdout!),
      new StreamMessageWriter(this.proc.stdin!),
    );
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      for (const w of this.waiters) w(p);
    });
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.listen();
  }

  /** Resolves with the time (performance.now()) the first publish accepted by `test` arrives. */
  published(test: (p: PublishDiagnosticsParams) => boolean): Promise<number> {
    return new Promise((resolve) => {
      const w = (p: PublishDiagnosticsParams) => {
        if (!test(p)) return;
        this.waiters = this.waiters.filter((x) => x !== w);
        resolve(performance.now());
      };
      this.waiters.push(w);
    });
  }

  async stop(): Promise<void> {
    await this.connection.sendRequest('shutdown').catch(() => undefined);
    await this.connection.sendNotification('exit').catch(() => undefined);
    this.connection.dispose();
    this.proc.kill();
  }
}

async function measure(name: string, pods: number, edits: number, target: number, burst: boolean): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-bench-lsp-'));
  const files = generateCluster(pods, STYLE);
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.text);
  }
  const textOf = (path: string) => files.find((f) => f.path === path)!.text;
  const server = new Server();
  try {
    const folder = pathToFileURL(dir).toString();
    const t0 = performance.now();
    const first = server.published(() => true);
    await server.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: folder,
      workspaceFolders: [{ uri: folder, name: 'bench' }],
      capabilities: {
        textDocument: { publishDiagnostics: { versionSupport: true } },
        window: { workDoneProgress: true },
      },
    });
    const tInit = performance.now() - t0;
    await server.connection.sendNotification('initialized', {});
    const tFirst = (await first) - t0;

    const uri = pathToFileURL(join(dir, EDITED)).toString();
    const other = pathToFileURL(join(dir, HOVERED)).toString();
    const text = textOf(EDITED);
    const otherText = textOf(HOVERED);
    // The API policy's peer `tier: web` becomes a tier no edit wrote before, and a comment changes: new
    // text and a rule never seen every edit (alternating two values would let the server's carried
    // admissions find the edited rule itself from two edits back, which typing does not).
    const peer = '        matchLabels:\n          tier: web\n';
    if (!text.includes(peer) || !text.includes('# The API:')) throw new Error(`${EDITED} has no peer to edit`);
    const variant = (i: number) =>
      text
        .replace(peer, `        matchLabels:\n          tier: edit-${i}\n`)
        .replace('# The API:', `# The API (edit ${i}):`);
    const hoverAt = otherText.slice(0, otherText.indexOf('name: default-deny') + 8).split('\n');
    const hoverPosition = { line: hoverAt.length - 1, character: hoverAt[hoverAt.length - 1].length };
    let version = 1;
    let opened = server.published((p) => p.uri === uri && p.version === version);
    await server.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'yaml', version, text },
    });
    await server.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: other, languageId: 'yaml', version: 1, text: otherText },
    });
    await opened;
    await server.connection.sendRequest<MainThreadStats>(MAIN_THREAD_STATS_REQUEST); // resets the maximum
    const latencies: number[] = [];
    const hovers: number[] = [];
    const runs: NonNullable<DebugStats['lastRun']>[] = [];
    for (let i = 0; i < edits; i++) {
      version++;
      const v = version;
      const done = server.published((p) => p.uri === uri && p.version === v);
      const sent = performance.now();
      await server.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: v },
        contentChanges: [{ text: variant(i) }],
      });
      // A hover elsewhere while the analysis runs: answered from the latest analysis.
      await new Promise((r) => setTimeout(r, DEBOUNCE_MS + 20));
      const h = performance.now();
      await server.connection.sendRequest('textDocument/hover', {
        textDocument: { uri: other },
        position: hoverPosition,
      });
      hovers.push(performance.now() - h);
      latencies.push((await done) - sent - DEBOUNCE_MS);
      const { lastRun } = await server.connection.sendRequest<DebugStats>(DEBUG_STATS_REQUEST);
      if (lastRun) runs.push(lastRun);
    }
    const main = await server.connection.sendRequest<MainThreadStats>(MAIN_THREAD_STATS_REQUEST);
    const { lint } = await server.connection.sendRequest<DebugStats>(DEBUG_STATS_REQUEST);
    let burstMs: number | undefined;
    if (burst) {
      const last = version + 1000;
      const done = server.published((p) => p.uri === uri && p.version === last);
      for (let i = 1; i <= 1000; i++) {
        version++;
        void server.connection.sendNotification('textDocument/didChange', {
          textDocument: { uri, version },
          contentChanges: [{ text: variant(i) }],
        });
      }
      await server.connection.sendRequest<MainThreadStats>(MAIN_THREAD_STATS_REQUEST); // every change is sent
      const sentLast = performance.now();
      burstMs = (await done) - sentLast;
    }
    opened = Promise.resolve(0);
    const ok = (v: number, t: number) => (v < t ? 'ok' : 'MISSED');
    console.log(
      `language server, ${name}, ${STYLE} (${files.length} files): initialize ${fmt(tInit)} ms, first diagnostics ${fmt(tFirst)} ms`,
    );
    console.log(
      `  edit -> diagnostics, quiet period excluded: median ${fmt(median(latencies))} ms (${fmt(Math.min(...latencies))}–${fmt(Math.max(...latencies))}, ${edits} edits), target < ${target} ms: ${ok(median(latencies), target)}`,
    );
    if (runs.length)
      console.log(
        `  of which (medians): parse ${fmt(median(runs.map((r) => r.parseMs)))} ms, analysis ${fmt(median(runs.map((r) => r.analysisMs)))} ms, lint ${fmt(median(runs.map((r) => r.lintMs)))} ms${lint ? ` (lint runs: ${lint.incrementalRuns} incremental, ${lint.fullRuns} full)` : ''}`,
      );
    console.log(
      `  main thread blocked at most ${fmt(main.maxDelayMs)} ms while editing, target < 200 ms: ${ok(main.maxDelayMs, 200)}`,
    );
    console.log(`  hover during an analysis: median ${fmt(median(hovers))} ms (max ${fmt(Math.max(...hovers))})`);
    if (burstMs !== undefined)
      console.log(
        `  burst of 1,000 changes -> diagnostics ${fmt(burstMs)} ms after the last, target < 1000 ms: ${ok(burstMs, 1000)}`,
      );
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const only = argv[0]?.startsWith('--') ? undefined : argv[0];
  for (const s of SIZES)
    if (!only || s.name.startsWith(`${only} `)) await measure(s.name, s.pods, EDITS ?? s.edits, s.target, s.burst);
}

void main();
