/**
 * The engine's class-pair answer table against a Map: the sparse form (many classes) must keep
 * every answer through its growth and through becoming dense, as the dense form does.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ClassPairAnswers } from '../../server/src/engine/class-pair-answers';

const N = 2000;
const write = fc.record({
  sc: fc.integer({ min: 0, max: N - 1 }),
  dc: fc.integer({ min: 0, max: N - 1 }),
  answer: fc.constantFrom(1, 2),
});

describe('engine: class-pair answers', () => {
  it('answers as a map of the pairs set, sparse, dense and sparse turned dense', () => {
    fc.assert(
      fc.property(
        fc.array(write, { maxLength: 3000 }),
        fc.constantFrom(0, N),
        fc.integer({ min: 0, max: 3000 }),
        (writes, denseUpTo, denseAfter) => {
          const table = new ClassPairAnswers(N, denseUpTo);
          const reference = new Map<number, number>();
          const agree = () => {
            for (const { sc, dc } of writes) assert.equal(table.get(sc, dc), reference.get(sc * N + dc) ?? 0);
            assert.equal(table.get(N - 1, 0), reference.get((N - 1) * N) ?? 0);
          };
          writes.forEach(({ sc, dc, answer }, k) => {
            if (k === denseAfter) table.dense();
            table.set(sc, dc, answer);
            reference.set(sc * N + dc, answer);
          });
          agree();
          const cells = table.dense();
          for (const [cell, answer] of reference) assert.equal(cells[cell], answer);
          let set = 0;
          for (const v of cells) if (v !== 0) set++;
          assert.equal(set, reference.size);
          agree();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('turns dense by itself before its hash would outgrow the dense array, keeping every answer', () => {
    const n = 300; // 90,000 bytes dense; the hash's 1,024 first slots take 9,216
    const table = new ClassPairAnswers(n, 0);
    const answer = (sc: number, dc: number) => ((sc * 7 + dc) % 3 === 0 ? 2 : 1);
    let pairs = 0;
    for (let sc = 0; sc < n; sc++)
      for (let dc = 0; dc < n; dc += 3) {
        table.set(sc, dc, answer(sc, dc));
        pairs++;
        // A hash of 2^k slots holds at most 2^(k-1) pairs and 9 * 2^k bytes; it must turn dense
        // rather than grow past n * n bytes.
        if (!table.isDense) assert.ok(pairs * 2 * 9 <= 2 * n * n, `still a hash at ${pairs} pairs`);
      }
    assert.ok(table.isDense);
    for (let sc = 0; sc < n; sc++)
      for (let dc = 0; dc < n; dc++) assert.equal(table.get(sc, dc), dc % 3 === 0 ? answer(sc, dc) : 0);
  });
});
