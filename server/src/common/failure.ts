/**
 * Internal failures, isolated: a stage that fails on one object reports
 * `analysis-failed` there and goes on with the others. One bad file must never
 * stop the analysis of a workspace (in the server, every file's diagnostics).
 */
import type { FindingSink } from './finding-sink';
import type { Span } from './source';

export function reportFailure(sink: FindingSink, doing: string, error: unknown, at: Span): void {
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  sink.report(
    'analysis-failed',
    'error',
    `Internal error while ${doing} (${what}); it is left out and everything else is analysed. This is a bug in NetPol Studio: please report it with this file.`,
    at,
  );
}
