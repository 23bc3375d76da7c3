/**
 * One side's answers to every atom (indexed by atom id), as packets carry them. Endpoint classes
 * answer almost every atom the usual way, so a dense array per class would be classes x atoms
 * (pods x policies) of mostly shared answers. A row is instead a list of fixed-size chunks: the
 * rows built from one base share its chunks and own a copy only of a chunk where they differ
 * (copy on write), so memory goes with classes x atoms / CHUNK plus the unusual answers, and a
 * read stays two array reads (conditionMatches, the hottest loop, reads through `get`).
 */
import type { AtomValue } from '../policy/atoms';

const SHIFT = 6;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

export class AnswerRow {
  private constructor(
    private readonly chunks: AtomValue[][],
    /** The chunks this row shares until it writes one (undefined: every chunk is its own). */
    private readonly shared: readonly AtomValue[][] | undefined,
  ) {}

  /** The answers of no endpoint (a packet's side that nothing reads). */
  static readonly NONE: AnswerRow = AnswerRow.of([]);

  /** A row of its own answers (a copy of `values`). */
  static of(values: readonly AtomValue[]): AnswerRow {
    const chunks: AtomValue[][] = [];
    for (let from = 0; from < values.length; from += CHUNK) chunks.push(values.slice(from, from + CHUNK));
    return new AnswerRow(chunks, undefined);
  }

  /** The answer to atom `atom`; undefined (as an array read) for an atom beyond the row. */
  get(atom: number): AtomValue {
    const chunk = this.chunks[atom >> SHIFT];
    return (chunk === undefined ? undefined : chunk[atom & MASK]) as AtomValue;
  }

  /** A row that answers as this one until written (see `set`). */
  derive(): AnswerRow {
    return new AnswerRow(this.chunks.slice(), this.chunks);
  }

  /** Writes one answer (while the row is built): copies the chunk first if it is still shared. */
  set(atom: number, value: AtomValue): void {
    const k = atom >> SHIFT;
    let chunk = this.chunks[k];
    if (this.shared !== undefined && chunk === this.shared[k]) {
      chunk = chunk.slice();
      this.chunks[k] = chunk;
    }
    chunk[atom & MASK] = value;
  }
}
