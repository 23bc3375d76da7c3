/**
 * The time budget of one analysis (`timeBudgetSeconds` in .netpol.yaml, `netpol lint --time-budget`,
 * `netpolStudio.timeBudgetSeconds` in the editor). The long stages call `check` inside their loops
 * (pod expansion, addressing, endpoint classes, the long lint rules); once the budget has run out it
 * throws `OutOfTime`, and the stage that catches it keeps what is complete: the analysis is then
 * partial, and lint says so with one `limit-exceeded` notice.
 */

/** Thrown by `TimeBudget.check` once the budget has run out. */
export class OutOfTime extends Error {
  constructor(readonly stage: string) {
    super(`the time budget ran out during ${stage}`);
  }
}

export class TimeBudget {
  /** The stage the budget ran out in, once it has (the first `check` that threw). */
  stoppedIn: string | undefined;

  /**
   * @param ms milliseconds the analysis may take
   * @param startedAt when it began, on `clock` (reading the files counts)
   * @param clock performance.now by default; tests pass a clock that steps
   */
  constructor(
    readonly ms: number,
    readonly startedAt: number = performance.now(),
    private readonly clock: () => number = () => performance.now(),
  ) {}

  elapsed(): number {
    return this.clock() - this.startedAt;
  }

  /** True once the budget has run out (or a stage already stopped for it). */
  spent(): boolean {
    return this.stoppedIn !== undefined || this.elapsed() >= this.ms;
  }

  /** Throws OutOfTime once the budget has run out; cheap enough for a loop over pods. */
  check(stage: string): void {
    if (this.stoppedIn !== undefined) throw new OutOfTime(this.stoppedIn);
    if (this.elapsed() >= this.ms) {
      this.stoppedIn = stage;
      throw new OutOfTime(stage);
    }
  }
}

/** The check of an optional budget: a no-op without one. */
export function budgetCheck(budget: TimeBudget | undefined, stage: string): () => void {
  return budget ? () => budget.check(stage) : () => undefined;
}
