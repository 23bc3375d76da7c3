/**
 * `netpol/debugStats`: the work the server has done and the memory it holds,
 * for the protocol tests (a burst of edits is parsed once, memory stays flat
 * over many edits) and the latency benchmark. Not announced: no editor asks it.
 */
import { getHeapStatistics } from 'node:v8';
import type { LintMemoStats } from '../lint/lint-memo';
import type { Feature } from './feature';
import type { RunStats } from './session';
import type { WorkspaceStats } from './workspace';

export const DEBUG_STATS_REQUEST = 'netpol/debugStats';

export interface DebugStats extends WorkspaceStats, RunStats {
  /** Heap in use by the analysing thread (bytes), after a full garbage collection when `collected`. */
  readonly heapUsed: number;
  /** True when the process runs with --expose-gc, so `heapUsed` is measured after a collection. */
  readonly collected: boolean;
  /** Lint runs that kept the findings of unchanged files, and full ones (lint/lint-memo.ts). */
  readonly lint: LintMemoStats;
}

export const debugStatsFeature: Feature = {
  register(session) {
    session.connection.onRequest(DEBUG_STATS_REQUEST, (): DebugStats => {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      return {
        ...session.workspace.stats(),
        ...session.runStats,
        heapUsed: getHeapStatistics().used_heap_size,
        collected: gc !== undefined,
        lint: { ...session.lintMemo.stats },
      };
    });
  },
};
