/**
 * What the message-carrying thread (main.ts) and the language server's worker
 * thread (server-worker.ts) agree on. Plain constants and shapes only.
 */

/**
 * Notifications that change what the analysis reads: the worker's running analysis is stale once
 * one arrives. Watched-file events are not among them: most are about files the analysis does not
 * read (every deletion is watched, and git deletes `.git/index.lock` with every command), so the
 * worker decides when it takes them in (between stages) whether they end the running analysis.
 */
export const CHANGING_METHODS: ReadonlySet<string> = new Set([
  'textDocument/didOpen',
  'textDocument/didChange',
  'textDocument/didClose',
  'workspace/didChangeConfiguration',
  'workspace/didChangeWorkspaceFolders',
]);

/** Sent to the worker after each changing notification: `{ seq }`, the count of changes so far. */
export const APPLIED_NOTIFICATION = 'netpol/internal/applied';

/** Answered by the main thread itself (the latency benchmark reads it). */
export const MAIN_THREAD_STATS_REQUEST = 'netpol/mainThreadStats';

export interface MainThreadStats {
  /** The longest the main thread's event loop was blocked since the last request (ms). */
  readonly maxDelayMs: number;
  readonly meanDelayMs: number;
}
