/**
 * Entry point of dist/server-worker.js: the language server, in the worker
 * thread main.ts starts. Its connection is the port to the main thread; the
 * counter of changes sent is shared memory, so a running analysis can tell
 * that a newer change is on its way before this thread has received it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PortMessageReader, PortMessageWriter } from 'vscode-jsonrpc/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { APPLIED_NOTIFICATION } from './relay';
import { serve } from './server';

if (!parentPort) throw new Error('server-worker.js runs in the worker thread dist/server.js starts');
const sent = new Int32Array((workerData as { changes: SharedArrayBuffer }).changes);
let applied = 0;
const connection = createConnection(
  ProposedFeatures.all,
  new PortMessageReader(parentPort),
  new PortMessageWriter(parentPort),
);
connection.onNotification(APPLIED_NOTIFICATION, (p: { seq: number }) => {
  applied = p.seq;
});
serve(connection, () => Atomics.load(sent, 0) !== applied);
