/**
 * The strong oracle of the fuzzers: one input (text or raw bytes) is written
 * beside a canary file in a workspace folder, then
 * - `netpol lint --format json` runs on the folder (in-process, the CLI's own code);
 * - the language server (dist/server.js over stdio, one per fuzzing process)
 *   analyses the same folder: the input announced as changed on disk, or, for
 *   text, opened in the editor with that text;
 * and the case passes when the CLI exits 0 or 1 with valid JSON, no internal
 * failure is reported, the canary's own finding (an unknown container field
 * named after the case) is there in both (so both really analysed this
 * input), and the server's diagnostics for every file equal the CLI's
 * findings (rule, severity, message, range). The time budget is the caller's
 * (fuzz-run.ts kills a case that passes it; waits here give up after `waitMs`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigurationRequest, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { run } from '../../server/src/cli/run';
import { ROOT } from '../helpers';
import { TestClient } from '../lsp/client';

export interface FuzzInput {
  /** The input's bytes or text (written as UTF-8). */
  readonly content: string | Uint8Array;
  /** Open it in the editor (text only) instead of announcing it as changed on disk. */
  readonly open?: boolean;
}

export interface OracleResult {
  readonly ok: boolean;
  readonly problem?: string;
}

const SEVERITY: Record<string, number> = { error: 1, warning: 2, info: 3, hint: 4 };

interface Comparable {
  readonly rule: string;
  readonly severity: number;
  readonly message: string;
  readonly range: string;
}

const messageText = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : d.message.value);

const key = (c: Comparable) => `${c.range} ${c.rule} ${c.severity} ${c.message}`;

/** A canary pod whose only warning names the case, so each case's analysis is told from the last one's. */
export function canaryWithMarker(marker: string): string {
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: canary, namespace: canary, labels: {app: canary}}',
    'spec:',
    `  containers: [{name: c, image: busybox, ${marker}: 1}]`,
    '',
  ].join('\n');
}

/** One workspace folder and one language server, reused case after case. */
export class LspCliOracle {
  readonly dir = mkdtempSync(join(tmpdir(), 'netpol-fuzz-'));
  private readonly client = new TestClient();
  private readonly input = join(this.dir, 'fuzz.yaml');
  private readonly canary = join(this.dir, 'zz-canary.yaml');
  private readonly inputUri = pathToFileURL(this.input).toString();
  private readonly canaryUri = pathToFileURL(this.canary).toString();
  /** The current case's canary marker, and whether a round that saw it has ended (its summary came). */
  private marker = '';
  private markerRoundEnded = false;
  private summaryWaiters: (() => void)[] = [];
  private cases = 0;
  private ready: Promise<unknown>;

  /** `cliArgs`: more arguments for `netpol lint` (the oracle's own test makes the two sides differ with them). */
  constructor(
    private readonly waitMs = 20_000,
    private readonly cliArgs: readonly string[] = [],
  ) {
    writeFileSync(this.input, '');
    writeFileSync(this.canary, canaryWithMarker('netpolCanary0'));
    this.client.connection.onNotification('netpol/summary', () => {
      // The server publishes every file's diagnostics, then the summary: if the canary names this case
      // now, that round's diagnostics of every file are in.
      if ((this.client.published(this.canaryUri) ?? []).some((d) => messageText(d).includes(this.marker)))
        this.markerRoundEnded = true;
      const w = this.summaryWaiters;
      this.summaryWaiters = [];
      for (const f of w) f();
    });
    // The server's own time budget (10 s by default) must not cut short what the CLI, which has none,
    // analyses in full: the hang budget here is the caller's.
    this.client.connection.onRequest(ConfigurationRequest.type, (params) =>
      params.items.map((i) => (i.section === 'netpolStudio' ? { timeBudgetSeconds: 24 * 3600 } : null)),
    );
    this.ready = this.client.initialize(this.dir, { configuration: true });
  }

  async check(input: FuzzInput): Promise<OracleResult> {
    await this.ready;
    const marker = `netpolCanary${++this.cases}:`;
    this.marker = marker;
    this.markerRoundEnded = false;
    writeFileSync(this.input, input.content);
    writeFileSync(this.canary, canaryWithMarker(marker.slice(0, -1)));
    const open = input.open && typeof input.content === 'string';
    if (open) await this.client.open(this.inputUri, input.content as string, this.cases);
    await this.client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [...(open ? [] : [{ uri: this.inputUri, type: 2 }]), { uri: this.canaryUri, type: 2 }],
    });
    const result = await this.compare(marker);
    if (open)
      await this.client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: this.inputUri } });
    return result;
  }

  private async compare(marker: string): Promise<OracleResult> {
    let stdout = '';
    let stderr = '';
    const code = await run(['lint', this.dir, '--format', 'json', ...this.cliArgs], {
      cwd: ROOT,
      out: (t) => {
        stdout += t;
      },
      err: (t) => {
        stderr += t;
      },
    });
    if (code !== 0 && code !== 1) return { ok: false, problem: `netpol lint exited ${code}: ${stderr.slice(0, 500)}` };
    let report: { findings: { rule: string; severity: string; message: string; file: string; range: unknown }[] };
    try {
      report = JSON.parse(stdout);
    } catch (e) {
      return { ok: false, problem: `netpol lint --format json is not JSON: ${(e as Error).message}` };
    }
    const internal = report.findings.find((f) => f.rule === 'analysis-failed' || /^Internal error/.test(f.message));
    if (internal) return { ok: false, problem: `internal failure: ${internal.message}` };
    if (!report.findings.some((f) => f.message.includes(marker)))
      return { ok: false, problem: 'the CLI did not report the canary: the analysis did not run' };
    const cli = new Map<string, string[]>();
    for (const f of report.findings) {
      const uri = pathToFileURL(f.file).toString();
      const list = cli.get(uri) ?? [];
      list.push(
        key({ rule: f.rule, severity: SEVERITY[f.severity], message: f.message, range: JSON.stringify(f.range) }),
      );
      cli.set(uri, list);
    }
    const deadline = Date.now() + this.waitMs;
    while (!this.markerRoundEnded) {
      if (Date.now() > deadline)
        return { ok: false, problem: `the server published nothing for this case within ${this.waitMs / 1000} s` };
      await this.nextSummary(deadline);
    }
    for (const uri of new Set([this.inputUri, this.canaryUri, ...cli.keys()])) {
      const server = (this.client.published(uri) ?? []).map((d: Diagnostic) =>
        key({
          rule: String(d.code),
          severity: d.severity ?? 0,
          message: messageText(d),
          range: JSON.stringify(d.range),
        }),
      );
      const expected = (cli.get(uri) ?? []).sort();
      server.sort();
      if (JSON.stringify(server) !== JSON.stringify(expected)) {
        const onlyCli = expected.filter((x) => !server.includes(x));
        const onlyServer = server.filter((x) => !expected.includes(x));
        return {
          ok: false,
          problem: `CLI and server differ on ${uri.slice(uri.lastIndexOf('/') + 1)}: only the CLI: ${JSON.stringify(onlyCli.slice(0, 3))}; only the server: ${JSON.stringify(onlyServer.slice(0, 3))}`,
        };
      }
    }
    return { ok: true };
  }

  private nextSummary(deadline: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      this.summaryWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    await this.client.stop().catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
  }
}
