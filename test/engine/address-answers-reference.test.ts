/**
 * A CIDR test's answers per endpoint, as the engine keeps them (engine/classes.ts's AtomAnswers:
 * the endpoints inside the CIDRs found in policy/address-index.ts, every other one answering
 * '00'), against every endpoint asked: the same unusual endpoints, answers and common answer.
 * Endpoints have several addresses of a family (the first decides), both families or none, and
 * the tests overlap their CIDRs and `except`s, so the index's first-address rule, its except
 * clearing and the choice of the common answer (ties kept by the usual answer, then first seen)
 * all have to be right.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AtomAnswers } from '../../server/src/engine/classes';
import { type Cidr, parseCidr, parseIp } from '../../server/src/common/ip';
import { type AtomValue, NetsAtom } from '../../server/src/policy/atoms';
import type { Endpoint } from '../../server/src/policy/endpoint';

const ADDRESSES = ['10.0.0.1', '10.0.0.9', '10.0.1.4', '10.1.0.2', '192.168.0.1', 'fd00::1', 'fd00::1:0', 'fe80::9'];
const CIDRS = [
  '10.0.0.0/8',
  '10.0.0.0/24',
  '10.0.0.9/32',
  '10.1.0.0/16',
  '0.0.0.0/0',
  'fd00::/64',
  '::/0',
  'fd00::1/128',
];

function cidr(text: string): Cidr {
  const c = parseCidr(text);
  if ('error' in c) throw new Error(c.error);
  return c;
}

const endpointAddresses = fc.array(fc.constantFrom(...ADDRESSES), { maxLength: 3 });
const cidrList = (max: number) => fc.uniqueArray(fc.constantFrom(...CIDRS), { maxLength: max }).map((l) => l.map(cidr));

/** The reference: every endpoint asked; the most common answer kept apart as the engine's rule says. */
function everyEndpoint(atom: NetsAtom, endpoints: readonly Endpoint[]) {
  const all = endpoints.map((ep) => atom.evaluate(ep));
  const counts = new Map<AtomValue, number>();
  for (const v of all) counts.set(v, (counts.get(v) ?? 0) + 1);
  let common: AtomValue = atom.usual;
  for (const [v, n] of counts) if (n > (counts.get(common) ?? 0)) common = v;
  const at: number[] = [];
  const values: AtomValue[] = [];
  all.forEach((v, i) => {
    if (v !== common) {
      at.push(i);
      values.push(v);
    }
  });
  return { at, values, common: common === atom.usual ? undefined : common };
}

describe('engine: address answers', () => {
  it('equal every endpoint asked', () => {
    fc.assert(
      fc.property(fc.array(endpointAddresses, { maxLength: 12 }), cidrList(3), cidrList(2), (lists, cidrs, except) => {
        const endpoints = lists.map(
          (texts, i) => ({ id: `e${i}`, kind: 'pod', ips: texts.map((t) => parseIp(t)) }) as unknown as Endpoint,
        );
        const atom = new NetsAtom(0, 'nets', cidrs, except);
        const kept = new AtomAnswers(endpoints).of(atom);
        const expected = everyEndpoint(atom, endpoints);
        assert.deepEqual([...kept.at], expected.at);
        assert.deepEqual([...kept.values], expected.values);
        assert.equal(kept.common, expected.common);
      }),
      { seed: 2026, numRuns: 2000 },
    );
  });
});
