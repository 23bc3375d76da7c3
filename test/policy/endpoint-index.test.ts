/** The index's list union (merging two lists, marking a range, sorting sparse ones) against a plain set. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { union } from '../../server/src/policy/endpoint-index';

const sortedList = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 100_000 })), { maxLength: 30 })
  .map((xs) => [...new Set(xs)].sort((a, b) => a - b));

describe('policy: endpoint index union', () => {
  it('is the sorted, duplicate-free union of its lists', () => {
    fc.assert(
      fc.property(fc.array(sortedList, { maxLength: 6 }), (lists) => {
        const expected = [...new Set(lists.flat())].sort((a, b) => a - b);
        assert.deepEqual([...union(lists)], expected);
      }),
      { seed: 2026, numRuns: 500 },
    );
  });
});
