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
});
