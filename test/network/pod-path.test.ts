/** The path between two pods: bridge on one node, the backend between nodes, with outer addresses and MTU. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { podPath } from '../../server/src/network/pod-path';
import { analyzeYaml } from '../helpers';
import { docs, node, pod } from '../manifests';
import { flannelConfigMap as cm } from './fixtures';

const nodes = docs(
  node('a', { ips: ['192.168.1.11'], podCIDRs: ['10.244.1.0/24'] }),
  node('b', { ips: ['192.168.1.12'], podCIDRs: ['10.244.2.0/24'] }),
  node('c', {
    ips: ['192.168.9.13'],
    podCIDRs: ['10.244.3.0/24'],
    annotations: { 'flannel.alpha.coreos.com/public-ip-overwrite': '203.0.113.13' },
  }),
);
const pods = docs(
  pod('default/x', { node: 'a' }),
  pod('default/y', { node: 'a' }),
  pod('default/z', { node: 'b' }),
  pod('default/w', { node: 'c' }),
  pod('default/h', { node: 'b', hostNetwork: true }),
);
const withBackend = (backend: string, extra = '') =>
  analyzeYaml(docs(cm(`{"Network": "10.244.0.0/16"${extra}, "Backend": ${backend}}`), nodes, pods));
const path = (backend: string, from: string, to: string, extra = '') =>
  podPath(withBackend(backend, extra).addressing, `default/${from}`, `default/${to}`)!;

describe('path between pods', () => {
  it('stays on the node, through the cni0 bridge, between pods of one node', () => {
    const p = path('{"Type": "vxlan"}', 'x', 'y');
    assert.equal(p.kind, 'same-node');
    assert.equal(p.encapsulation, undefined);
    assert.deepEqual([p.src?.text, p.dst?.text], ['10.244.1.2', '10.244.1.3']);
    assert.match(p.hops[0], /cni0 bridge \(gateway 10\.244\.1\.1\) on a/);
  });

  it('crosses nodes in VXLAN between the node addresses, with the VNI, port and MTU', () => {
    const p = path('{"Type": "vxlan", "VNI": 4, "Port": 4789}', 'x', 'z');
    assert.equal(p.kind, 'encapsulated');
    const e = p.encapsulation!;
    assert.deepEqual(
      [e.protocol, e.vni, e.port, e.device, e.outerSrc?.text, e.outerDst?.text, e.overhead],
      ['VXLAN', 4, 4789, 'flannel.4', '192.168.1.11', '192.168.1.12', 50],
    );
    assert.equal(p.mtu, 1450);
    assert.match(p.hops.join('\n'), /routes 10\.244\.2\.0\/24 through flannel\.4/);
  });

  it("sends to a node's public-ip-overwrite annotation rather than its InternalIP", () => {
    assert.equal(path('{"Type": "vxlan"}', 'x', 'w').encapsulation?.outerDst?.text, '203.0.113.13');
  });

  it('routes directly with DirectRouting between nodes on one segment, and encapsulates across segments', () => {
    assert.equal(path('{"Type": "vxlan", "DirectRouting": true}', 'x', 'z').kind, 'routed');
    assert.equal(path('{"Type": "vxlan", "DirectRouting": true}', 'x', 'w').kind, 'encapsulated');
  });

  it('routes without encapsulation on host-gw, and uses the MTU of the link', () => {
    const p = path('{"Type": "host-gw"}', 'x', 'z');
    assert.equal(p.kind, 'routed');
    assert.equal(p.mtu, 1500);
    assert.match(p.hops[1], /routes 10\.244\.2\.0\/24 via 192\.168\.1\.12/);
  });

  it('tunnels through WireGuard on its listen port, 80 bytes of overhead', () => {
    const p = path('{"Type": "wireguard", "ListenPort": 51000}', 'x', 'z');
    assert.deepEqual(
      [p.encapsulation?.protocol, p.encapsulation?.port, p.encapsulation?.device, p.mtu],
      ['WireGuard (UDP)', 51000, 'flannel-wg', 1420],
    );
  });

  it('sizes the MTU from the vxlan MTU option', () => {
    assert.equal(path('{"Type": "vxlan", "MTU": 9000}', 'x', 'z').mtu, 8950);
  });

  it('leaves flannel out of traffic to a hostNetwork pod on another node, and says it is masqueraded', () => {
    const p = path('{"Type": "vxlan"}', 'x', 'h');
    assert.equal(p.kind, 'routed');
    assert.equal(p.dst?.text, '192.168.1.12');
    assert.match(p.notes[0], /masquerades it to a's address, so default\/h sees 192\.168\.1\.11 as the source/);
  });

  it('says when there is no route (alloc) and when a pod has no address', () => {
    assert.equal(path('{"Type": "alloc"}', 'x', 'z').kind, 'unroutable');
    const a = analyzeYaml(
      docs(
        nodes,
        pod('default/x', { node: 'a' }),
        [
          'apiVersion: v1',
          'kind: Pod',
          'metadata: {name: pending}',
          'spec: {nodeSelector: {none: x}, containers: [{name: c}]}',
          '',
        ].join('\n'),
      ),
    );
    const p = podPath(a.addressing, 'default/x', 'default/pending')!;
    assert.equal(p.kind, 'no-address');
    assert.match(p.notes[0], /default\/pending has no address \(pending\)/);
  });

  it('takes IPv6 between IPv6-only pods, and a pod to itself stays in the pod', () => {
    const a = analyzeYaml(
      docs(
        cm('{"EnableIPv4": false, "EnableIPv6": true, "IPv6Network": "fd00:10::/48", "Backend": {"Type": "vxlan"}}'),
        node('a', { ips: ['fd00:1::a'] }),
        node('b', { ips: ['fd00:1::b'] }),
        pod('default/x', { node: 'a' }),
        pod('default/z', { node: 'b' }),
      ),
    );
    const p = podPath(a.addressing, 'default/x', 'default/z')!;
    assert.deepEqual(
      [p.family, p.src?.text, p.dst?.text, p.encapsulation?.outerSrc?.text, p.encapsulation?.device],
      [6, 'fd00:10:0:1::2', 'fd00:10:0:2::2', 'fd00:1::a', 'flannel-v6.1'],
    );
    assert.equal(podPath(a.addressing, 'default/x', 'default/x')!.kind, 'same-pod');
  });

  it("goes through Calico's routing instead of a bridge in Canal", () => {
    const a = analyzeYaml(
      docs(
        cm('{"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan"}}', {
          name: 'canal-config',
          namespace: 'kube-system',
        }),
        nodes,
        pods,
      ),
    );
    assert.match(
      podPath(a.addressing, 'default/x', 'default/y')!.hops[0],
      /host routing table \(Calico routes each pod over its own veth; Canal has no bridge\)/,
    );
  });
});
