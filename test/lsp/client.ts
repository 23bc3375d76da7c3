/** A minimal LSP client that drives dist/server.js over stdio, for protocol-level tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  type Diagnostic,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { DEBUG_STATS_REQUEST, type DebugStats } from '../../server/src/lsp/debug-stats';
import { ROOT } from '../helpers';

export class TestClient {
  readonly connection: ProtocolConnection;
  private readonly proc: ChildProcess;
  private readonly latest = new Map<string, Diagnostic[]>();
  private waiters: (() => void)[] = [];
  /** Every publishDiagnostics received, in order. */
  readonly publishes: PublishDiagnosticsParams[] = [];

  /** `nodeArgs`: options for node itself, e.g. `--expose-gc` so netpol/debugStats measures the heap after a collection. */
  constructor(nodeArgs: readonly string[] = []) {
    this.proc = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist', 'server.js'), '--stdio'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.connection = createProtocolConnection(
      new StreamMessageReader(this.proc.stdout!),
      new StreamMessageWriter(this.proc.stdin!),
    );
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p: PublishDiagnosticsParams) => {
      this.latest.set(p.uri, p.diagnostics);
      this.publishes.push(p);
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    });
    this.connection.listen();
  }

  /**
   * `workspace`: client workspace capabilities to announce (e.g. `{ configuration: true }`); `window`: the
   * window ones (e.g. `{ workDoneProgress: true }`). `beforeInitialized` runs between the two messages.
   */
  async initialize(
    folder: string,
    workspace: Record<string, unknown> = {},
    options: { window?: Record<string, unknown>; beforeInitialized?: () => Promise<void> } = {},
  ): Promise<unknown> {
    const uri = pathToFileURL(folder).toString();
    const result = await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uri,
      workspaceFolders: [{ uri, name: 'ws' }],
      capabilities: {
        textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true } },
        workspace,
        ...(options.window ? { window: options.window } : {}),
      },
    });
    await options.beforeInitialized?.();
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** What the server has done so far and the heap it holds (netpol/debugStats). */
  stats(): Promise<DebugStats> {
    return this.connection.sendRequest(DEBUG_STATS_REQUEST);
  }

  close(uri: string): Promise<void> {
    return this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** workspace/didChangeWatchedFiles: 1 created, 2 changed, 3 deleted. */
  watched(...changes: { uri: string; type: 1 | 2 | 3 }[]): Promise<void> {
    return this.connection.sendNotification('workspace/didChangeWatchedFiles', { changes });
  }

  /** Resolves with the diagnostics for `uri` once `test` accepts them (or rejects after `ms`). */
  diagnostics(uri: string, test: (d: Diagnostic[]) => boolean, ms = 10000): Promise<Diagnostic[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`timed out waiting for diagnostics on ${uri}; last: ${JSON.stringify(this.latest.get(uri))}`),
          ),
        ms,
      );
      const check = () => {
        const d = this.latest.get(uri);
        if (d && test(d)) {
          clearTimeout(timer);
          resolve(d);
        } else this.waiters.push(check);
      };
      check();
    });
  }

  /** The diagnostics last published for `uri` (undefined when none were). */
  published(uri: string): Diagnostic[] | undefined {
    return this.latest.get(uri);
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'yaml', version, text },
    });
  }

  change(uri: string, text: string, version: number): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
  }

  async stop(): Promise<void> {
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } finally {
      this.connection.dispose();
      this.proc.kill();
    }
  }
}
