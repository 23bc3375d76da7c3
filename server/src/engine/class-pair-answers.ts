/**
 * The engine's cached answers for one (protocol, port, direction) over pairs of endpoint classes:
 * 0 not decided yet, 1 allowed, 2 denied. With few classes a dense classes² array; with many, a
 * hash of the pairs asked so far, since the lint rules ask a few pairs per class (at 50k pods a
 * dense table is 25 MB, zero-filled, per port asked, with some thousand cells set). A matrix asks
 * every pair: `dense()` turns the table into the array it then reads inline, and a hash that would
 * outgrow the dense array becomes it (so a table never holds more than classes² bytes).
 */

/** Up to this many classes the table is dense from the start (64 kB). */
export const DENSE_CLASSES = 256;

/** Initial slots of a sparse table (a power of two). */
const FIRST_SLOTS = 1024;

/** Bytes per slot of a sparse table: two Int32 keys and the answer. */
const SLOT_BYTES = 9;

export class ClassPairAnswers {
  private cells?: Uint8Array;
  /** Open addressing, linear probing: per slot the source class + 1 (0: empty slot) and the destination class. */
  private keys = new Int32Array(0);
  private values = new Uint8Array(0);
  private mask = 0;
  private size = 0;

  constructor(
    /** How many classes. */
    readonly n: number,
    denseUpTo = DENSE_CLASSES,
  ) {
    if (n <= denseUpTo) this.cells = new Uint8Array(n * n);
    else this.allocate(FIRST_SLOTS);
  }

  /** The answer for the pair (0 not decided yet, 1 allowed, 2 denied). */
  get(sc: number, dc: number): number {
    const cells = this.cells;
    if (cells) return cells[sc * this.n + dc];
    const keys = this.keys;
    const mask = this.mask;
    for (let i = slotOf(sc, dc) & mask; ; i = (i + 1) & mask) {
      const k = keys[2 * i];
      if (k === 0) return 0;
      if (k === sc + 1 && keys[2 * i + 1] === dc) return this.values[i];
    }
  }

  /** Records the answer (1 or 2) for the pair. */
  set(sc: number, dc: number, answer: number): void {
    const cells = this.cells;
    if (cells) {
      cells[sc * this.n + dc] = answer;
      return;
    }
    if (!this.put(sc, dc, answer)) return;
    if (++this.size * 2 > this.values.length) {
      // A hash twice as large would hold more bytes than every pair as one (9 per slot): the table
      // is being asked most pairs (the workload matrix asks them one by one), and the dense array
      // is smaller and faster to read from here on.
      if (this.values.length * 2 * SLOT_BYTES >= this.n * this.n) this.dense();
      else this.grow();
    }
  }

  /** Whether the table is the dense array (from the start, asked to become it, or grown into it). */
  get isDense(): boolean {
    return this.cells !== undefined;
  }

  /** Every pair as one row-major array (source * n + destination), which the table then is. */
  dense(): Uint8Array {
    if (!this.cells) {
      const cells = new Uint8Array(this.n * this.n);
      const keys = this.keys;
      for (let i = 0; i < this.values.length; i++)
        if (keys[2 * i] !== 0) cells[(keys[2 * i] - 1) * this.n + keys[2 * i + 1]] = this.values[i];
      this.cells = cells;
      this.allocate(0);
    }
    return this.cells;
  }

  /** Stores into the hash; true when the pair was not there yet. */
  private put(sc: number, dc: number, answer: number): boolean {
    const keys = this.keys;
    const mask = this.mask;
    for (let i = slotOf(sc, dc) & mask; ; i = (i + 1) & mask) {
      const k = keys[2 * i];
      if (k === 0) {
        keys[2 * i] = sc + 1;
        keys[2 * i + 1] = dc;
        this.values[i] = answer;
        return true;
      }
      if (k === sc + 1 && keys[2 * i + 1] === dc) {
        this.values[i] = answer;
        return false;
      }
    }
  }

  private allocate(slots: number): void {
    this.keys = new Int32Array(2 * slots);
    this.values = new Uint8Array(slots);
    this.mask = slots - 1;
    this.size = 0;
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    const size = this.size;
    this.allocate(values.length * 2);
    for (let i = 0; i < values.length; i++)
      if (keys[2 * i] !== 0) this.put(keys[2 * i] - 1, keys[2 * i + 1], values[i]);
    this.size = size;
  }
}

/** A slot for the pair before masking: the two ids mixed so neighbouring pairs spread. */
function slotOf(sc: number, dc: number): number {
  let h = Math.imul(sc, 0x9e3779b1) ^ dc;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  return h ^ (h >>> 13);
}
