/**
 * Network-set membership by the index of the sets' CIDRs (by prefix length and network address)
 * against testing every address against every set's ranges, on random sets (nested, repeated and
 * host CIDRs of both families, namespaced and global) and random addresses.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cidrLast, type IpAddr, parseIp } from '../../server/src/common/ip';
import {
  type NetworkSetMembership,
  networkSetEntries,
  networkSetsContaining,
} from '../../server/src/policy/calico/calico-labels';
import { analyzeYaml } from '../helpers';

const net = fc.constantFrom(
  '10.0.0.0/8',
  '10.244.0.0/16',
  '10.244.1.0/24',
  '10.244.1.7',
  '10.244.1.7/32',
  '192.168.0.0/16',
  '0.0.0.0/0',
  'fd00::/64',
  'fd00::5',
  '::/0',
);
const address = fc.constantFrom(
  '10.244.1.7',
  '10.244.2.9',
  '10.1.2.3',
  '192.168.3.4',
  '8.8.8.8',
  'fd00::5',
  'fd00::1:9',
  '2001:db8::1',
);
const set = fc.record({
  nets: fc.array(net, { minLength: 1, maxLength: 3 }),
  global: fc.boolean(),
  role: fc.constantFrom('a', 'b'),
});

function naive(ips: readonly IpAddr[], a: ReturnType<typeof analyzeYaml>): NetworkSetMembership[] {
  const out: NetworkSetMembership[] = [];
  for (const entry of networkSetEntries(a.cluster)) {
    const ranges = entry.cidrs.map((c) => ({ family: c.family, first: c.base, last: cidrLast(c) }));
    for (const ip of ips)
      if (ranges.some((r) => r.family === ip.family && ip.value >= r.first && ip.value <= r.last))
        out.push({ family: ip.family, id: entry.id, labels: entry.labels });
  }
  return out;
}

describe('policy: network-set membership', () => {
  it('finds the sets holding each address as testing every set does', () => {
    let members = 0;
    fc.assert(
      fc.property(
        fc.array(set, { maxLength: 6 }),
        fc.array(fc.array(address, { maxLength: 3 }), { maxLength: 6 }),
        (sets, lists) => {
          const docs = sets.map(
            (s, i) =>
              `apiVersion: projectcalico.org/v3\nkind: ${s.global ? 'GlobalNetworkSet' : 'NetworkSet'}\nmetadata: {name: s${i}${s.global ? '' : ', namespace: ns1'}, labels: {role: ${s.role}}}\nspec: {nets: [${s.nets.map((n) => `"${n}"`).join(', ')}]}\n`,
          );
          const a = analyzeYaml(docs.join('---\n') || 'apiVersion: v1\nkind: Namespace\nmetadata: {name: ns1}\n');
          for (const list of lists) {
            const ips = list.map((t) => parseIp(t)!);
            const found = networkSetsContaining(ips, a.cluster);
            assert.deepEqual(found, naive(ips, a));
            members += found.length;
          }
        },
      ),
      { seed: 2026, numRuns: 200 },
    );
    assert.ok(members > 200, `memberships found: ${members}`);
  });
});
