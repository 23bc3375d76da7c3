/**
 * The policy engine matches ipBlocks against the network stage's simulated
 * addresses: a CIDR covering a node's subnet matches exactly the pods on that
 * node, in IPv4, IPv6 and dual-stack clusters.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeYaml, canReach } from '../helpers';
import { docs, node, pod } from '../manifests';
import { flannelConfigMap as cm } from '../network/fixtures';

/** Ingress to `default/db` only from `cidr` (with `except`). */
const onlyFrom = (cidr: string, except: string[] = []) =>
  [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata: {name: db-from-block, namespace: default}',
    'spec:',
    '  podSelector: {matchLabels: {app: db}}',
    '  ingress:',
    `  - from: [{ipBlock: {cidr: "${cidr}"${except.length ? `, except: [${except.map((e) => `"${e}"`).join(', ')}]` : ''}}}]`,
    '',
  ].join('\n');

const reachers = (text: string) => {
  const a = analyzeYaml(text);
  return ['x', 'y', 'z'].filter((p) => canReach(a, `default/${p}`, 'default/db'));
};

describe('ipBlocks against simulated addresses', () => {
  const cluster = docs(
    node('a', { podCIDRs: ['10.244.1.0/24'], ips: ['192.168.1.11'] }),
    node('b', { podCIDRs: ['10.244.2.0/24'], ips: ['192.168.1.12'] }),
    pod('default/x', { node: 'a' }),
    pod('default/y', { node: 'b' }),
    pod('default/z', { node: 'a', hostNetwork: true }), // not on db's node: host-to-local-pod traffic is always allowed
    pod('default/db', { node: 'b' }),
  );

  it('matches the pods on the node whose subnet the CIDR covers, and no others', () => {
    assert.deepEqual(reachers(docs(cluster, onlyFrom('10.244.1.0/24'))), ['x']);
    assert.deepEqual(reachers(docs(cluster, onlyFrom('10.244.2.0/24'))), ['y']);
    assert.deepEqual(reachers(docs(cluster, onlyFrom('10.244.0.0/16', ['10.244.2.0/24']))), ['x']);
  });

  it('matches allocated subnets too (nodes without podCIDR, default network)', () => {
    const text = docs(
      node('a'),
      node('b'),
      pod('default/x', { node: 'a' }),
      pod('default/y', { node: 'b' }),
      pod('default/z', { node: 'b' }),
      pod('default/db', { node: 'a' }),
      onlyFrom('10.244.2.0/24'),
    );
    assert.deepEqual(reachers(text), ['y', 'z']);
  });

  it('matches hostNetwork pods by their node address, not by the pod subnet', () => {
    assert.deepEqual(reachers(docs(cluster, onlyFrom('192.168.1.11/32'))), ['z']);
    assert.deepEqual(reachers(docs(cluster, onlyFrom('10.244.0.0/16'))), ['x', 'y']);
  });

  it('matches recorded status.podIPs', () => {
    const text = docs(
      node('a', { podCIDRs: ['10.244.1.0/24'] }),
      pod('default/x', { node: 'a', podIPs: ['10.244.1.77'] }),
      pod('default/y', { node: 'a' }),
      pod('default/z', { node: 'a' }),
      pod('default/db', { node: 'a' }),
      onlyFrom('10.244.1.77/32'),
    );
    assert.deepEqual(reachers(text), ['x']);
  });

  it('matches IPv6 subnets in an IPv6-only cluster', () => {
    const v6 = cm(
      '{"EnableIPv4": false, "EnableIPv6": true, "IPv6Network": "fd00:10:244::/56", "Backend": {"Type": "vxlan"}}',
    );
    const text = docs(
      v6,
      node('a'),
      node('b'),
      pod('default/x', { node: 'a' }),
      pod('default/y', { node: 'b' }),
      pod('default/z', { node: 'a' }),
      pod('default/db', { node: 'b' }),
      onlyFrom('fd00:10:244:1::/64'),
    );
    assert.deepEqual(reachers(text), ['x', 'z']);
  });

  it('matches the IPv4 subnet in a dual-stack cluster, where connections between pods use IPv4', () => {
    const dual = cm(
      '{"Network": "10.244.0.0/16", "IPv6Network": "fd00:10:244::/56", "EnableIPv6": true, "Backend": {"Type": "vxlan"}}',
    );
    const base = docs(
      dual,
      node('a'),
      node('b'),
      pod('default/x', { node: 'a' }),
      pod('default/y', { node: 'b' }),
      pod('default/z', { node: 'a' }),
      pod('default/db', { node: 'b' }),
    );
    assert.deepEqual(reachers(docs(base, onlyFrom('10.244.1.0/24'))), ['x', 'z']);
    assert.deepEqual(reachers(docs(base, onlyFrom('fd00:10:244:1::/64'))), []);
  });
});
