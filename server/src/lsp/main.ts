/**
 * Entry point of dist/server.js. This thread only carries messages: between
 * the editor (stdio, IPC, a socket or a pipe, as the client chooses) and the
 * worker thread that runs the language server itself (dist/server-worker.js,
 * server-worker.ts), so reading the editor's messages never waits for an
 * analysis. It counts every message that changes what the analysis reads
 * (documents, settings, folders; watched-file events the worker judges itself) in memory shared with the
 * worker, and follows each with a marker: a run in the worker sees at once
 * that a newer change is on its way and gives up (session.ts). It answers one
 * request itself, `netpol/mainThreadStats` (how long its event loop was ever
 * blocked), for the latency benchmark. If the worker dies, so does the
 * process, and the client starts a new one.
 */
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import {
  createServerPipeTransport,
  createServerSocketTransport,
  IPCMessageReader,
  IPCMessageWriter,
  type Message,
  type MessageReader,
  type MessageWriter,
  PortMessageReader,
  PortMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import { APPLIED_NOTIFICATION, CHANGING_METHODS, MAIN_THREAD_STATS_REQUEST, type MainThreadStats } from './relay';

function clientTransport(argv: readonly string[]): [MessageReader, MessageWriter] {
  for (let i = 0; i < argv.length; i++) {
    const [flag, value = argv[i + 1]] = argv[i].split('=');
    if (flag === '--node-ipc') return [new IPCMessageReader(process), new IPCMessageWriter(process)];
    if (flag === '--socket') return createServerSocketTransport(Number.parseInt(value, 10));
    if (flag === '--pipe') return createServerPipeTransport(value);
    if (flag === '--stdio') break;
  }
  return [new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout)];
}

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const changes = new Int32Array(new SharedArrayBuffer(4));
// The worker's own stdout and stderr go to our stderr: stdout may be the protocol stream.
const worker = new Worker(join(__dirname, 'server-worker.js'), {
  workerData: { changes: changes.buffer },
  stdout: true,
  stderr: true,
});
worker.stdout.pipe(process.stderr);
worker.stderr.pipe(process.stderr);
const [fromClient, toClient] = clientTransport(process.argv.slice(2));
const toWorker = new PortMessageWriter(worker);
const fromWorker = new PortMessageReader(worker);
let exitRequested = false;

fromClient.listen((message: Message) => {
  const m = message as { method?: string; id?: number | string };
  if (m.method === MAIN_THREAD_STATS_REQUEST && m.id !== undefined) {
    const result: MainThreadStats = { maxDelayMs: delay.max / 1e6, meanDelayMs: delay.mean / 1e6 };
    delay.reset();
    void toClient.write({ jsonrpc: '2.0', id: m.id, result } as Message);
    return;
  }
  if (m.method === 'exit') exitRequested = true;
  if (m.method !== undefined && m.id === undefined && CHANGING_METHODS.has(m.method)) {
    const seq = Atomics.add(changes, 0, 1) + 1;
    void toWorker.write(message);
    void toWorker.write({ jsonrpc: '2.0', method: APPLIED_NOTIFICATION, params: { seq } } as Message);
    return;
  }
  void toWorker.write(message);
});
fromClient.onClose(() => process.exit(exitRequested ? 0 : 1));
fromWorker.listen((message: Message) => void toClient.write(message));
worker.on('error', (e) => {
  process.stderr.write(`netpol: the language server failed: ${e.stack ?? e}\n`);
  process.exit(1);
});
worker.on('exit', (code) => process.exit(exitRequested ? code : code || 1));
