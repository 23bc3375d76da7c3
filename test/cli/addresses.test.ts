/** `netpol addresses` (its JSON contract is in README.md) and `netpol path` through the CLI. */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli } from '../helpers';
import { docs, node, pod } from '../manifests';
import { flannelConfigMap as cm } from '../network/fixtures';

/** A temporary folder with these files; returns its path. */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-flannel-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const dual = cm(
  '{"Network": "10.244.0.0/16", "IPv6Network": "fd00:10:244::/56", "EnableIPv6": true, "Backend": {"Type": "vxlan"}}',
);
const cluster = docs(
  node('a', { ips: ['192.168.1.11'] }),
  node('b', { ips: ['192.168.1.12'] }),
  pod('shop/web', { node: 'a' }),
  pod('shop/db', { node: 'b' }),
  pod('shop/agent', { node: 'b', hostNetwork: true }),
);

describe('netpol addresses', () => {
  it('prints the JSON contract: nodes with subnet/subnets, pods with id/node/ip/ips (IPv4 first)', async () => {
    const r = await cli(['addresses', folder({ 'flannel.yaml': dual, 'cluster.yaml': cluster }), '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(
      out.nodes.map((n: { name: string; subnet: string; subnets: string[] }) => [n.name, n.subnet, n.subnets]),
      [
        ['a', '10.244.1.0/24', ['10.244.1.0/24', 'fd00:10:244:1::/64']],
        ['b', '10.244.2.0/24', ['10.244.2.0/24', 'fd00:10:244:2::/64']],
      ],
    );
    assert.deepEqual(
      out.pods.map((p: { id: string; node: string; ip: string; ips: string[] }) => [p.id, p.node, p.ip, p.ips]),
      [
        ['shop/agent', 'b', '192.168.1.12', ['192.168.1.12']],
        ['shop/db', 'b', '10.244.2.2', ['10.244.2.2', 'fd00:10:244:2::2']],
        ['shop/web', 'a', '10.244.1.2', ['10.244.1.2', 'fd00:10:244:1::2']],
      ],
    );
    assert.deepEqual(
      [out.backend.type, out.backend.mtu, out.backend.port, out.nodes[0].capacity, out.nodes[1].pods],
      ['vxlan', 1450, 8472, 253, 1],
    );
    assert.deepEqual(out.source, {
      name: 'ConfigMap kube-flannel/kube-flannel-cfg',
      origin: 'configmap',
      subnetManager: 'kube',
      cni: 'flannel',
    });
  });

  it('gives the IPv6 subnet and address as subnet/ip when there is no IPv4 one', async () => {
    const v6 = cm(
      '{"EnableIPv4": false, "EnableIPv6": true, "IPv6Network": "fd00:10:244::/56", "Backend": {"Type": "vxlan"}}',
    );
    const r = await cli([
      'addresses',
      folder({ 'f.yaml': docs(v6, node('a'), pod('default/p', { node: 'a' })) }),
      '--format',
      'json',
    ]);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(
      [out.nodes[0].subnet, out.pods[0].ip, out.network],
      ['fd00:10:244:1::/64', 'fd00:10:244:1::2', 'fd00:10:244::/56'],
    );
  });

  it('prints nodes with subnets, backend and capacity, and pods with node and IPs, as text', async () => {
    const r = await cli(['addresses', folder({ 'flannel.yaml': dual, 'cluster.yaml': cluster })]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(
      lines[0],
      /^Pod network 10\.244\.0\.0\/16 \(node subnets \/24\) and fd00:10:244::\/56 \(node subnets \/64\), from ConfigMap kube-flannel\/kube-flannel-cfg$/,
    );
    assert.match(r.stdout, /Backend vxlan \(VNI 1, UDP 8472\), pod MTU 1450 \(1500 - 50 bytes of vxlan headers\)/);
    assert.match(
      r.stdout,
      /^a +10\.244\.1\.0\/24, fd00:10:244:1::\/64 +192\.168\.1\.11 +192\.168\.1\.11 +simulated +1\/253$/m,
    );
    assert.match(r.stdout, /^shop\/agent +b +192\.168\.1\.12 +hostNetwork$/m);
  });

  it('finds net-conf.json and flannel-leases.txt in folders, and says where the network came from', async () => {
    const dir = folder({
      'cluster/nodes.yaml': node('a', { ips: ['192.168.1.11'] }),
      'flannel/net-conf.json': '{"Network": "10.5.0.0/16", "Backend": {"Type": "host-gw"}}',
      'flannel/flannel-leases.txt':
        '/coreos.com/network/subnets/10.5.9.0-24\n{"PublicIP":"192.168.1.11","BackendType":"host-gw"}\n',
    });
    const r = await cli(['addresses', dir, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(
      [out.source.origin, out.source.subnetManager, out.backend.type, out.nodes[0].subnet, out.nodes[0].origin],
      ['file', 'etcd', 'host-gw', '10.5.9.0/24', 'lease'],
    );
  });

  it('takes a dual-stack --pod-network and rejects a bad one', async () => {
    const dir = folder({ 'c.yaml': docs(node('a'), pod('default/p', { node: 'a' })) });
    const ok = await cli(['addresses', dir, '--pod-network', '10.50.0.0/16,fd00:50::/56', '--format', 'json']);
    assert.deepEqual(JSON.parse(ok.stdout).pods[0].ips, ['10.50.1.2', 'fd00:50:0:1::2']);
    const bad = await cli(['addresses', dir, '--pod-network', '10.50.0.0/30']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--pod-network .*too small for flannel/);
  });
});

describe('netpol path', () => {
  const dir = folder({ 'flannel.yaml': dual, 'cluster.yaml': cluster });

  it('shows the way between pods on two nodes, with the outer addresses', async () => {
    const r = await cli(['path', dir, '--from', 'shop/web', '--to', 'shop/db']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^shop\/web \(10\.244\.1\.2\) -> shop\/db \(10\.244\.2\.2\): between nodes, encapsulated$/m);
    assert.match(
      r.stdout,
      /outer 192\.168\.1\.11 -> 192\.168\.1\.12, VXLAN \(VNI 1, UDP 8472, device flannel\.1\), \+50 bytes/,
    );
    assert.match(r.stdout, /pod MTU 1450/);
  });

  it('prints JSON and accepts pod addresses', async () => {
    const r = await cli(['path', dir, '--from', '10.244.1.2', '--to', 'shop/db', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(
      [out.from, out.kind, out.family, out.encapsulation.outerDst, out.mtu],
      ['shop/web', 'encapsulated', 'IPv4', '192.168.1.12', 1450],
    );
  });

  it('explains usage mistakes with exit code 2', async () => {
    const unknown = await cli(['path', dir, '--from', 'shop/webb', '--to', 'shop/db']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no pod "shop\/webb"; did you mean "shop\/web"\?/);
    const outside = await cli(['path', dir, '--from', 'shop/web', '--to', '8.8.8.8']);
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /8\.8\.8\.8 is not the address of a pod/);
    const missing = await cli(['path', dir, '--from', 'shop/web']);
    assert.match(missing.stderr, /path needs --to/);
  });
});

describe('netpol lint on flannel configuration', () => {
  it('puts net-conf.json findings in SARIF with their rule metadata and region', async () => {
    const text = cm('{\n  "Network": "10.244.0.0/16",\n  "SubnetLenght": 26,\n  "Backend": {"Type": "vxlan"}\n}');
    const r = await cli(['lint', folder({ 'flannel.yaml': text }), '--format', 'sarif']);
    const sarif = JSON.parse(r.stdout);
    const result = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'flannel-config-unknown-field');
    assert.deepEqual(result.locations[0].physicalLocation.region, {
      startLine: 10,
      startColumn: 7,
      endLine: 10,
      endColumn: 21,
    });
    const rule = sarif.runs[0].tool.driver.rules[result.ruleIndex];
    assert.equal(rule.id, 'flannel-config-unknown-field');
    assert.match(rule.fullDescription.text, /case/);
  });
});
