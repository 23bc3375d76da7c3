/** The network stage: node subnets and pod addresses, IPv4, IPv6 and dual-stack, from every source flannel has. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceFile } from '../../server/src/common/source';
import { type Analysis, analyzeSources } from '../../server/src/engine/analysis';
import { lint } from '../../server/src/lint';
import { analyzeYaml, spanned, where } from '../helpers';
import { deployment, docs, node, pod } from '../manifests';
import { at, flannelConfigMap as cm, located, only } from './fixtures';

const subnets = (a: Analysis) =>
  [...a.addressing.nodes.values()].map(
    (n) => `${n.node} ${n.subnets.map((s) => s.text).join(' ') || '-'} ${n.subnetOrigin}`,
  );
const ips = (a: Analysis, id: string) => (a.addressing.pods.get(id)?.ips ?? []).map((i) => i.text);
const VXLAN = '"Backend": {"Type": "vxlan"}';

/** Sources as files with the given names (net-conf.json, flannel-leases.txt, …). */
const files = (entries: Record<string, string>, options = {}) =>
  analyzeSources(
    Object.entries(entries).map(([path, text]) => new SourceFile(path, text)),
    options,
  );

describe('node subnets', () => {
  it('gives the default nodes /24s of 10.244.0.0/16 from the second subnet, in node-name order', () => {
    const a = analyzeYaml(deployment('default/web', 3));
    assert.equal(a.addressing.config.origin, 'default');
    assert.equal(a.addressing.config.backend.type, 'vxlan');
    assert.deepEqual(subnets(a), [
      'node-1 10.244.1.0/24 allocated',
      'node-2 10.244.2.0/24 allocated',
      'node-3 10.244.3.0/24 allocated',
    ]);
  });

  it('keeps spec.podCIDR(s) and allocates the other nodes around them', () => {
    const a = analyzeYaml(
      docs(
        node('b', { podCIDRs: ['10.244.1.0/24'] }),
        node('a'),
        node('c', { podCIDRs: ['10.244.7.0/24'] }),
        node('d'),
      ),
    );
    assert.deepEqual(subnets(a), [
      'a 10.244.2.0/24 allocated',
      'b 10.244.1.0/24 podCIDR',
      'c 10.244.7.0/24 podCIDR',
      'd 10.244.3.0/24 allocated',
    ]);
  });

  it('uses --pod-network when the workspace has no flannel configuration, and not when it has one', () => {
    assert.deepEqual(subnets(analyzeYaml(node('a'), { podNetwork: '10.50.0.0/16' })), ['a 10.50.1.0/24 allocated']);
    const configured = analyzeYaml(docs(cm(`{"Network": "10.60.0.0/16", ${VXLAN}}`), node('a')), {
      podNetwork: '10.50.0.0/16',
    });
    assert.deepEqual(subnets(configured), ['a 10.60.1.0/24 allocated']);
  });

  it("takes the cluster's own pod network (kubeadm podSubnet) when there is no flannel configuration", () => {
    const kubeadm = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: kubeadm-config, namespace: kube-system}',
      'data:',
      '  ClusterConfiguration: |',
      '    networking:',
      '      podSubnet: "10.32.0.0/12"',
      '',
    ].join('\n');
    const a = analyzeYaml(docs(kubeadm, node('a')));
    assert.equal(a.addressing.config.origin, 'cluster');
    assert.equal(a.addressing.config.sourceName, 'kubeadm-config podSubnet');
    assert.deepEqual(subnets(a), ['a 10.32.1.0/24 allocated']);
  });

  it('notes podCIDRs outside an assumed network at the podCIDR, mildly', () => {
    const text = node('k3s-1', { podCIDRs: ['10.42.0.0/24'] });
    const a = analyzeYaml(text);
    assert.deepEqual(located(a, 'flannel-podcidr-outside-network'), [
      at('flannel-podcidr-outside-network', text, 7, '10.42.0.0/24'),
    ]); // spec.podCIDRs wins over podCIDR
    assert.equal(only(a, 'flannel-podcidr-outside-network').severity, 'info');
    assert.deepEqual(ips(analyzeYaml(docs(text, pod('default/p', { node: 'k3s-1' }))), 'default/p'), ['10.42.0.2']);
  });

  it('never hands one address to two pods on nodes whose subnets overlap', () => {
    const a = analyzeYaml(
      docs(
        node('a', { podCIDRs: ['10.244.0.0/23'] }),
        node('b', { podCIDRs: ['10.244.0.0/24'] }),
        node('c', { podCIDRs: ['10.244.0.0/24'] }),
        pod('default/a1', { node: 'a' }),
        pod('default/a2', { node: 'a' }),
        pod('default/b1', { node: 'b' }),
        pod('default/c1', { node: 'c' }),
      ),
    );
    assert.deepEqual(
      ['a1', 'a2', 'b1', 'c1'].map((p) => ips(a, `default/${p}`).join(' ')),
      ['10.244.0.2', '10.244.0.3', '10.244.0.4', '10.244.0.5'],
    );
  });

  it('reports overlapping podCIDRs of two nodes', () => {
    const text = docs(node('a', { podCIDRs: ['10.244.0.0/23'] }), node('b', { podCIDRs: ['10.244.1.0/24'] }));
    const a = analyzeYaml(text);
    assert.equal(
      only(a, 'flannel-subnet-overlap').span.file.text.slice(
        only(a, 'flannel-subnet-overlap').span.start,
        only(a, 'flannel-subnet-overlap').span.end,
      ),
      '10.244.1.0/24',
    );
  });

  it('infers a node subnet from the status.podIPs of its pods', () => {
    const a = analyzeYaml(
      docs(
        node('a'),
        node('b'),
        pod('default/x', { node: 'b', podIPs: ['10.244.9.7'] }),
        pod('default/y', { node: 'b' }),
        pod('default/z', { node: 'a' }),
      ),
    );
    assert.deepEqual(subnets(a), ['a 10.244.1.0/24 allocated', 'b 10.244.9.0/24 inferred']);
    assert.deepEqual(ips(a, 'default/y'), ['10.244.9.2']);
  });

  it('survives huge node counts and reports the nodes left without a subnet once', () => {
    const many = Array.from({ length: 600 }, (_, i) => node(`n${String(i).padStart(4, '0')}`)).join('---\n');
    const a = analyzeYaml(many);
    const without = [...a.addressing.nodes.values()].filter((n) => n.subnets.length === 0);
    assert.equal(without.length, 600 - 256);
    assert.equal(a.addressing.nodes.get('n0254')!.subnets[0].text, '10.244.255.0/24');
    assert.equal(a.addressing.nodes.get('n0255')!.subnets[0].text, '10.244.0.0/24'); // the first subnet comes last
    assert.equal(lint(a).filter((f) => f.rule === 'flannel-network-capacity').length, 1);
  });
});

describe('network stage: addresses the engine uses', () => {
  it('keeps status IPs, gives other pods addresses inside their node subnet, and hostNetwork pods their node IP', () => {
    const a = analyzeYaml(
      docs(
        node('a', { podCIDRs: ['10.244.9.0/24'], ips: ['192.168.0.5'] }),
        pod('ns/fixed', { node: 'a', podIPs: ['10.244.9.2'] }),
        pod('ns/simulated', { node: 'a' }),
        pod('ns/host', { node: 'a', hostNetwork: true }),
      ),
    );
    const ip = (id: string) => a.addressing.pods.get(id)!.ips.map((x) => x.text);
    assert.deepEqual(ip('ns/fixed'), ['10.244.9.2']);
    assert.deepEqual(ip('ns/simulated'), ['10.244.9.3'], 'skips the address a status IP already holds');
    assert.deepEqual(ip('ns/host'), ['192.168.0.5']);
    assert.equal(a.endpoints.find((e) => e.id === 'ns/host')!.kind, 'host');
  });
});

describe('pod addresses', () => {
  it('gives pods .2 upwards in pod-id order inside their node subnet', () => {
    const a = analyzeYaml(
      docs(
        node('a', { podCIDRs: ['10.244.5.0/24'] }),
        deployment('default/web', 3, { node: 'a' }),
        pod('default/api', { node: 'a' }),
      ),
    );
    assert.deepEqual(
      ['default/api', 'default/web-0', 'default/web-1', 'default/web-2'].map((id) => ips(a, id)[0]),
      ['10.244.5.2', '10.244.5.3', '10.244.5.4', '10.244.5.5'],
    );
    const n = a.addressing.nodes.get('a')!;
    assert.deepEqual(
      [n.gateways[0].text, n.tunnelIPs[0].text, String(n.capacity), n.podCount],
      ['10.244.5.1', '10.244.5.0', '253', 4],
    );
  });

  it('lets status.podIP(s) win, and skips those addresses for the others', () => {
    const a = analyzeYaml(
      docs(
        node('a', { podCIDRs: ['10.244.5.0/24'] }),
        pod('default/a1', { node: 'a', podIPs: ['10.244.5.2'] }),
        pod('default/b1', { node: 'a' }),
      ),
    );
    assert.deepEqual(ips(a, 'default/a1'), ['10.244.5.2']);
    assert.equal(a.addressing.pods.get('default/a1')!.origin, 'status');
    assert.deepEqual(ips(a, 'default/b1'), ['10.244.5.3']);
  });

  it("gives hostNetwork pods their node's InternalIP, else the simulated node address", () => {
    const a = analyzeYaml(
      docs(
        node('a', { ips: ['192.168.1.10'] }),
        node('b'),
        pod('default/h1', { node: 'a', hostNetwork: true }),
        pod('default/h2', { node: 'b', hostNetwork: true }),
      ),
    );
    assert.deepEqual(ips(a, 'default/h1'), ['192.168.1.10']);
    assert.deepEqual(ips(a, 'default/h2'), ['10.0.0.11']);
    assert.equal(a.addressing.pods.get('default/h1')!.origin, 'hostNetwork');
  });

  it('moves simulated node addresses out of a pod network that covers them', () => {
    const a = analyzeYaml(docs(cm(`{"Network": "10.0.0.0/8", ${VXLAN}}`), node('a')));
    assert.deepEqual(
      a.addressing.nodes.get('a')!.ips.map((i) => i.text),
      ['172.16.0.10'],
    );
    assert.deepEqual(located(a, 'flannel-network-overlap'), []);
  });

  it('leaves pending pods without an address', () => {
    const a = analyzeYaml(
      docs(
        node('a'),
        [
          'apiVersion: v1',
          'kind: Pod',
          'metadata: {name: p}',
          'spec:',
          '  nodeSelector: {disk: none}',
          '  containers: [{name: c}]',
          '',
        ].join('\n'),
      ),
    );
    assert.deepEqual(a.addressing.pods.get('default/p'), {
      pod: 'default/p',
      node: undefined,
      ips: [],
      origin: 'none',
      reason: 'pending',
    });
  });

  it('reports two pods recording the same address, and an address outside the node subnet', () => {
    const a = analyzeYaml(
      docs(
        node('a', { podCIDRs: ['10.244.5.0/24'] }),
        pod('default/p1', { node: 'a', podIPs: ['10.244.5.9'] }),
        pod('default/p2', { node: 'a', podIPs: ['10.244.5.9'] }),
        pod('default/p3', { node: 'a', podIPs: ['10.244.6.9'] }),
      ),
    );
    assert.deepEqual(
      lint(a)
        .filter((f) => f.rule === 'flannel-pod-ip')
        .map((f) => `${spanned(f)}: ${f.message.split(';')[0]}`),
      [
        'p2: Pod default/p2 records status IP 10.244.5.9, which pod default/p1 records too',
        "p3: Pod default/p3 records status IP 10.244.6.9, outside its node a's subnet 10.244.5.0/24",
      ],
    );
  });
});

describe('IPv6 and dual-stack', () => {
  const dual = cm(`{"Network": "10.244.0.0/16", "IPv6Network": "fd00:10:244::/56", "EnableIPv6": true, ${VXLAN}}`);

  it('gives every node an IPv4 and an IPv6 subnet, and every pod an address in each', () => {
    const a = analyzeYaml(docs(dual, node('a'), node('b'), pod('default/p', { node: 'b' })));
    assert.deepEqual(subnets(a), [
      'a 10.244.1.0/24 fd00:10:244:1::/64 allocated',
      'b 10.244.2.0/24 fd00:10:244:2::/64 allocated',
    ]);
    assert.deepEqual(ips(a, 'default/p'), ['10.244.2.2', 'fd00:10:244:2::2']);
  });

  it('keeps dual-stack podCIDRs and gives hostNetwork pods both node addresses', () => {
    const a = analyzeYaml(
      docs(
        dual,
        node('a', { podCIDRs: ['10.244.8.0/24', 'fd00:10:244:8::/64'], ips: ['192.168.1.10', 'fd00:1::10'] }),
        pod('default/h', { node: 'a', hostNetwork: true }),
        pod('default/p', { node: 'a' }),
      ),
    );
    assert.deepEqual(subnets(a), ['a 10.244.8.0/24 fd00:10:244:8::/64 podCIDR']);
    assert.deepEqual(ips(a, 'default/h'), ['192.168.1.10', 'fd00:1::10']);
    assert.deepEqual(ips(a, 'default/p'), ['10.244.8.2', 'fd00:10:244:8::2']);
  });

  it('simulates both node address families when nodes have no InternalIP', () => {
    const a = analyzeYaml(docs(dual, node('a'), pod('default/h', { node: 'a', hostNetwork: true })));
    assert.deepEqual(ips(a, 'default/h'), ['10.0.0.10', 'fd00::10']);
  });

  it('runs IPv6 only with EnableIPv4 false, with /64s and IPv6SubnetLen defaults', () => {
    const a = analyzeYaml(
      docs(
        cm(`{"EnableIPv4": false, "EnableIPv6": true, "IPv6Network": "fd00:10:244::/48", ${VXLAN}}`),
        node('a'),
        pod('default/p', { node: 'a' }),
      ),
    );
    assert.deepEqual(
      a.addressing.config.networks.map((n) => `${n.network.text} /${n.subnetLen}`),
      ['fd00:10:244::/48 /64'],
    );
    assert.deepEqual(ips(a, 'default/p'), ['fd00:10:244:1::2']);
    const small = analyzeYaml(
      docs(cm(`{"EnableIPv4": false, "EnableIPv6": true, "IPv6Network": "fd00::/120", ${VXLAN}}`), node('a')),
    );
    assert.equal(small.addressing.config.networks[0].subnetLen, 122);
  });

  it('accepts a dual-stack --pod-network', () => {
    const a = analyzeYaml(docs(node('a'), pod('default/p', { node: 'a' })), {
      podNetwork: '10.50.0.0/16,fd00:50::/56',
    });
    assert.deepEqual(ips(a, 'default/p'), ['10.50.1.2', 'fd00:50:0:1::2']);
  });
});

describe('flannel with etcd: standalone net-conf.json and lease exports', () => {
  const netConf =
    '/coreos.com/network/config\n{"Network": "10.5.0.0/16", "SubnetLen": 24, "Backend": {"Type": "vxlan", "VNI": 7}}\n';
  const nodes = docs(
    node('a', { ips: ['192.168.1.11'], podCIDRs: ['10.99.0.0/24'] }),
    node('b', { ips: ['192.168.1.12'] }),
    node('c', { ips: ['192.168.1.13'] }),
  );

  it('reads the file (also with the key line etcdctl prints) and runs the etcd subnet manager', () => {
    const a = files({ 'cluster/nodes.yaml': nodes, 'cluster/net-conf.json': netConf });
    assert.equal(a.addressing.config.subnetManager, 'etcd');
    assert.equal(a.addressing.config.origin, 'file');
    assert.equal(a.addressing.config.backend.options.VNI, 7);
    assert.deepEqual(subnets(a), ['a 10.5.1.0/24 allocated', 'b 10.5.2.0/24 allocated', 'c 10.5.3.0/24 allocated']);
    // In etcd mode flannel does not use spec.podCIDR: a note at it.
    assert.deepEqual(located(a, 'flannel-ignored-setting'), [at('flannel-ignored-setting', nodes, 7, '10.99.0.0/24')]);
  });

  it('reports net-conf.json problems at their place in the file', () => {
    const text = '{\n  "Network": "10.5.0.0/16",\n  "SubnetMin": "10.5.0.7",\n  "Backend": {"Type": "vxlan"}\n}\n';
    const a = files({ 'net-conf.json': text });
    assert.deepEqual(located(a, 'flannel-subnet-range'), [at('flannel-subnet-range', text, 3, '"10.5.0.7"')]);
  });

  it('pins node subnets from `etcdctl get --prefix` output, matching leases by PublicIP', () => {
    const leases = [
      '/coreos.com/network/subnets/10.5.42.0-24',
      '{"PublicIP":"192.168.1.12","PublicIPv6":null,"BackendType":"vxlan","BackendData":{"VNI":7,"VtepMAC":"aa:bb:cc:dd:ee:ff"}}',
      '/coreos.com/network/subnets/10.5.17.0-24',
      '{"PublicIP":"192.168.1.99","BackendType":"vxlan"}',
      'garbage line',
      '',
    ].join('\n');
    const a = files({ 'nodes.yaml': nodes, 'net-conf.json': netConf, 'flannel-leases.txt': leases });
    assert.deepEqual(subnets(a), ['a 10.5.1.0/24 allocated', 'b 10.5.42.0/24 lease', 'c 10.5.2.0/24 allocated']);
    assert.deepEqual(
      lint(a)
        .filter((f) => f.rule === 'flannel-lease')
        .map((f) => `${where(f)} ${f.severity} ${spanned(f)}`),
      ['flannel-lease@3:1 info /coreos.com/network/subnets/10.5.17.0-24', 'flannel-lease@5:1 warning garbage line'],
    );
  });

  it('reads `etcdctl -w json` exports and hand-written lists (by node name)', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const kvs = JSON.stringify({
      header: {},
      kvs: [
        { key: b64('/coreos.com/network/subnets/10.5.200.0-24'), value: b64('{"PublicIP":"192.168.1.13"}') },
        { key: b64('/coreos.com/network/config'), value: b64('{}') },
      ],
    });
    const list = '[\n  {"subnet": "10.5.100.0/24", "node": "a"},\n  {"subnet": "10.5.100.0/24", "node": "a"}\n]';
    const a = files({
      'nodes.yaml': nodes,
      'net-conf.json': netConf,
      'x.flannel-leases.json': kvs,
      'y-flannel-leases.json': list,
    });
    assert.deepEqual(subnets(a), ['a 10.5.100.0/24 lease', 'b 10.5.1.0/24 allocated', 'c 10.5.200.0/24 lease']);
    assert.deepEqual(located(a, 'flannel-lease'), [
      at('flannel-lease', list, 3, '{"subnet": "10.5.100.0/24", "node": "a"}'),
    ]);
  });

  it('implies etcd without a net-conf.json, and ignores leases under the kube subnet manager', () => {
    const list = '[{"subnet": "10.244.77.0/24", "node": "a"}]';
    assert.deepEqual(subnets(files({ 'nodes.yaml': node('a'), 'flannel-leases.json': list })), [
      'a 10.244.77.0/24 lease',
    ]);
    const kube = files({
      'nodes.yaml': docs(cm(`{"Network": "10.244.0.0/16", ${VXLAN}}`), node('a')),
      'flannel-leases.json': list,
    });
    assert.deepEqual(subnets(kube), ['a 10.244.1.0/24 allocated']);
    assert.equal(only(kube, 'flannel-lease').severity, 'warning');
  });
});

describe('bad input never crashes', () => {
  const nets = [
    '"0.0.0.0/0"',
    '"255.255.255.255/32"',
    '"::/0"',
    '"10.0.0.0/1"',
    '"fd00::/8"',
    'null',
    '{}',
    '[]',
    '"x"',
    '1e400',
    '-1',
  ];
  for (const n of nets) {
    it(`simulates something sensible for Network ${n}`, () => {
      const a = analyzeYaml(
        docs(
          cm(
            `{"Network": ${n}, "SubnetLen": 99, "SubnetMin": "1.2.3.4", "IPv6Network": ${n}, "EnableIPv6": true, ${VXLAN}}`,
          ),
          node('a'),
          pod('default/p', { node: 'a' }),
        ),
      );
      assert.ok(a.addressing.config.networks.length >= 1);
      assert.ok(ips(a, 'default/p').length >= 1);
      assert.ok(lint(a).length >= 1);
    });
  }

  it('copes with garbage anywhere in the configuration', () => {
    const samples = [
      '',
      '{',
      '[',
      '"',
      '{"Backend": []}',
      '{"Backend": {"Type": 7}}',
      '{"Backend": null}',
      '{"EnableIPv4": false}',
      '{"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan", "VNI": -1, "MTU": 0}}',
      '{'.repeat(2000),
      '{"a":'.repeat(600),
    ];
    for (const s of samples) {
      const a = analyzeYaml(docs(cm(s), node('a'), deployment('default/w', 2)));
      assert.ok(a.addressing.nodes.size === 1, s.slice(0, 20));
    }
    const leaseGarbage = files({ 'flannel-leases.txt': '/x\n/y\n{\n', 'n.yaml': node('a') });
    assert.ok(lint(leaseGarbage).some((f) => f.rule === 'flannel-lease'));
    assert.doesNotThrow(() =>
      files({ 'flannel-leases.json': '{"kvs": [1, {"key": 5}, {"key": "!!!"}]}', 'net-conf.json': '\u0000' }),
    );
  });
});
