/**
 * net-conf.json diagnostics, each at the exact JSON token inside the
 * ConfigMap's block string. In flannelConfigMap the JSON's first line is file
 * line 8 (line 9 with one `extra` data line); `at` finds the token's column on
 * the given line, and `located` prints what the finding's range covers, so
 * each assertion checks line, column and extent.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeYaml, yaml } from '../helpers';
import { deployment, docs, node } from '../manifests';
import { at, flannelConfigMap as cm, located, only } from './fixtures';

const json = (...lines: string[]) => lines.join('\n');
const VXLAN = '"Backend": {"Type": "vxlan"}';

describe('net-conf.json: syntax', () => {
  it('reports a trailing comma at the comma', () => {
    const text = cm(json('{', '  "Network": "10.244.0.0/16",', `  ${VXLAN},`, '}'));
    const a = analyzeYaml(text);
    assert.deepEqual(located(a, 'flannel-config-syntax'), [at('flannel-config-syntax', text, 10, ',')]);
    assert.match(only(a, 'flannel-config-syntax').message, /trailing comma/);
  });

  it('reports a missing comma at the next key', () => {
    const text = cm(json('{', '  "Network": "10.244.0.0/16"', `  ${VXLAN}`, '}'));
    const a = analyzeYaml(text);
    assert.deepEqual(located(a, 'flannel-config-syntax'), [at('flannel-config-syntax', text, 10, '"')]);
    assert.match(only(a, 'flannel-config-syntax').message, /comma is missing/);
  });

  it('reports single quotes, comments and unquoted keys where they are', () => {
    const quotes = cm(json('{', '  \'Network\': "10.244.0.0/16"', '}'));
    assert.deepEqual(located(analyzeYaml(quotes), 'flannel-config-syntax'), [
      at('flannel-config-syntax', quotes, 9, "'"),
    ]);
    const comment = cm(json('{', '  // pods', '  "Network": "10.244.0.0/16"', '}'));
    assert.deepEqual(located(analyzeYaml(comment), 'flannel-config-syntax'), [
      at('flannel-config-syntax', comment, 9, '//'),
    ]);
    const bare = cm(json('{', '  Network: "10.244.0.0/16"', '}'));
    assert.deepEqual(located(analyzeYaml(bare), 'flannel-config-syntax'), [
      at('flannel-config-syntax', bare, 9, 'Network'),
    ]);
  });

  it('reports an unclosed string from its opening quote to the end of the line', () => {
    const text = cm(json('{', '  "Network": "10.244.0.0/16,', `  ${VXLAN}`, '}'));
    assert.deepEqual(located(analyzeYaml(text), 'flannel-config-syntax'), [
      at('flannel-config-syntax', text, 9, '"10.244.0.0/16,'),
    ]);
  });

  it('still simulates with the default network when the JSON is broken', () => {
    const a = analyzeYaml(cm('{ "Network": '));
    assert.equal(a.addressing.config.networks[0].network.text, '10.244.0.0/16');
    assert.equal(a.addressing.config.origin, 'configmap');
  });

  it('maps positions inside a double-quoted (flow) value, escapes included', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: kube-flannel-cfg, namespace: kube-system}',
      'data:',
      '  net-conf.json: "{\\"Network\\": \\"10.244.0.0/16\\", \\"SubnetLenght\\": 24}"',
      '',
    ].join('\n');
    assert.deepEqual(located(analyzeYaml(text), 'flannel-config-unknown-field'), [
      at('flannel-config-unknown-field', text, 5, '\\"SubnetLenght\\"'),
    ]);
  });

  it('maps positions inside a block with Windows line endings', () => {
    const text = cm(json('{', '  "Network": "10.244.0.0/16",', '  "SubnetLenght": 26,', `  ${VXLAN}`, '}'))
      .split('\n')
      .join('\r\n');
    assert.deepEqual(located(analyzeYaml(text), 'flannel-config-unknown-field'), [
      at('flannel-config-unknown-field', text.split('\r').join(''), 10, '"SubnetLenght"'),
    ]);
  });

  it('maps positions inside a folded block and a block with an explicit indentation indicator', () => {
    const folded = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: canal-config, namespace: kube-system}',
      'data:',
      '  net-conf.json: >-',
      '    {"Network": "10.244.0.0/16",',
      '    "Subnetlen": 1}',
      '',
    ].join('\n');
    // `Subnetlen` is SubnetLen for Go (keys match in any case); under the kube subnet manager it is ignored.
    assert.deepEqual(located(analyzeYaml(folded), 'flannel-ignored-setting'), [
      at('flannel-ignored-setting', folded, 7, '"Subnetlen"'),
    ]);
    const explicit = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: canal-config, namespace: kube-system}',
      'data:',
      '  net-conf.json: |2',
      '      {"Network": "10.244.0.0/16", "Bakend": {}}',
      '',
    ].join('\n');
    assert.deepEqual(located(analyzeYaml(explicit), 'flannel-config-unknown-field'), [
      at('flannel-config-unknown-field', explicit, 6, '"Bakend"'),
    ]);
  });
});

describe('net-conf.json: fields', () => {
  it('reports unknown and misspelled fields with a did-you-mean, and accepts any case as Go does', () => {
    const text = cm(json('{', '  "network": "10.244.0.0/16",', '  "SubnetLenght": 26,', `  ${VXLAN}`, '}'));
    const a = analyzeYaml(text);
    assert.deepEqual(located(a, 'flannel-config-unknown-field'), [
      at('flannel-config-unknown-field', text, 10, '"SubnetLenght"'),
    ]);
    assert.match(only(a, 'flannel-config-unknown-field').message, /did you mean `SubnetLen`\?/);
    assert.equal(a.addressing.config.networks[0].network.text, '10.244.0.0/16');
  });

  it('reports a value of the wrong type with the error flanneld prints', () => {
    const text = cm(json('{', '  "Network": "10.244.0.0/16",', '  "EnableIPv6": "true",', `  ${VXLAN}`, '}'));
    const a = analyzeYaml(text);
    assert.deepEqual(located(a, 'flannel-config-invalid'), [at('flannel-config-invalid', text, 10, '"true"')]);
    assert.match(
      only(a, 'flannel-config-invalid').message,
      /cannot unmarshal string into Go struct field Config.EnableIPv6 of type bool/,
    );
  });

  it('reports a missing Network at the opening brace', () => {
    const text = cm(json('{', `  ${VXLAN}`, '}'));
    const a = analyzeYaml(text);
    assert.deepEqual(located(a, 'flannel-config-invalid'), [at('flannel-config-invalid', text, 8, '{')]);
    assert.match(only(a, 'flannel-config-invalid').message, /please define a correct Network parameter/);
  });

  it('reports an IPv6 CIDR in Network, a bad CIDR and a number at the value', () => {
    for (const value of ['"fd00::/48"', '"10.244.0.0/33"', '10']) {
      const text = cm(json('{', `  "Network": ${value},`, `  ${VXLAN}`, '}'));
      assert.deepEqual(located(analyzeYaml(text), 'flannel-config-invalid'), [
        at('flannel-config-invalid', text, 9, value),
      ]);
    }
  });

  it('reports a key written twice at the first one; the later value wins', () => {
    const text = cm(json('{', '  "Network": "10.1.0.0/16",', '  "network": "10.244.0.0/16",', `  ${VXLAN}`, '}'));
    const a = analyzeYaml(text);
    assert.deepEqual(located(a, 'flannel-config-invalid'), [at('flannel-config-invalid', text, 9, '"Network"')]);
    assert.equal(a.addressing.config.networks[0].network.text, '10.244.0.0/16');
  });

  it('says SubnetLen and SubnetMin are ignored under the kube subnet manager, at each key', () => {
    const text = cm(
      json(
        '{',
        '  "Network": "10.244.0.0/16",',
        '  "SubnetLen": 26,',
        '  "SubnetMin": "10.244.10.0",',
        `  ${VXLAN}`,
        '}',
      ),
    );
    const a = analyzeYaml(text);
    assert.deepEqual(located(a, 'flannel-ignored-setting'), [
      at('flannel-ignored-setting', text, 10, '"SubnetLen"'),
      at('flannel-ignored-setting', text, 11, '"SubnetMin"'),
    ]);
    assert.equal(a.addressing.config.networks[0].subnetLen, 24);
  });

  it('says IPv6 settings are ignored without EnableIPv6', () => {
    const text = cm(
      json('{', '  "Network": "10.244.0.0/16",', '  "IPv6Network": "fd00:10:244::/56",', `  ${VXLAN}`, '}'),
    );
    assert.deepEqual(located(analyzeYaml(text), 'flannel-ignored-setting'), [
      at('flannel-ignored-setting', text, 10, '"IPv6Network"'),
    ]);
  });
});

/** etcd mode in a cluster: flanneld's DaemonSet runs with --etcd-endpoints and without --kube-subnet-mgr. */
const etcdFlannel = [
  'apiVersion: apps/v1',
  'kind: DaemonSet',
  'metadata: {name: kube-flannel-ds, namespace: kube-flannel}',
  'spec:',
  '  selector: {matchLabels: {app: flannel}}',
  '  template:',
  '    metadata: {labels: {app: flannel}}',
  '    spec:',
  '      hostNetwork: true',
  '      containers:',
  '      - name: kube-flannel',
  '        command: [/opt/bin/flanneld]',
  '        args: [--ip-masq, --etcd-endpoints=http://10.0.0.1:2379]',
  '',
].join('\n');

describe('net-conf.json: subnets when flannel leases them (etcd)', () => {
  it('reports SubnetLen too long and too short for the network', () => {
    const long = cm(json('{', '  "Network": "10.244.0.0/16",', '  "SubnetLen": 31,', `  ${VXLAN}`, '}'));
    const a = analyzeYaml(docs(long, etcdFlannel));
    assert.equal(a.addressing.config.subnetManager, 'etcd');
    assert.deepEqual(located(a, 'flannel-config-invalid'), [at('flannel-config-invalid', long, 10, '31')]);
    assert.match(only(a, 'flannel-config-invalid').message, /SubnetLen must be less than \/31/);
    const short = cm(json('{', '  "Network": "10.244.0.0/16",', '  "SubnetLen": 17,', `  ${VXLAN}`, '}'));
    const b = analyzeYaml(docs(short, etcdFlannel));
    assert.deepEqual(located(b, 'flannel-config-invalid'), [at('flannel-config-invalid', short, 10, '17')]);
    assert.match(only(b, 'flannel-config-invalid').message, /at least four subnets/);
  });

  it('reports a network smaller than /28', () => {
    const text = cm(json('{', '  "Network": "10.244.0.0/29",', `  ${VXLAN}`, '}'));
    assert.deepEqual(located(analyzeYaml(docs(text, etcdFlannel)), 'flannel-config-invalid'), [
      at('flannel-config-invalid', text, 9, '"10.244.0.0/29"'),
    ]);
  });

  it('reports SubnetMin outside the network and SubnetMax off the SubnetLen boundary', () => {
    const text = cm(
      json(
        '{',
        '  "Network": "10.244.0.0/16",',
        '  "SubnetMin": "10.245.0.0",',
        '  "SubnetMax": "10.244.200.128",',
        `  ${VXLAN}`,
        '}',
      ),
    );
    const a = analyzeYaml(docs(text, etcdFlannel));
    assert.deepEqual(located(a, 'flannel-subnet-range'), [
      at('flannel-subnet-range', text, 10, '"10.245.0.0"'),
      at('flannel-subnet-range', text, 11, '"10.244.200.128"'),
    ]);
    const msgs = a.addressing.findings.filter((f) => f.rule === 'flannel-subnet-range').map((f) => f.message);
    assert.match(msgs[0], /SubnetMin is not in the range of the Network/);
    assert.match(msgs[1], /nearest are 10\.244\.200\.0 and 10\.244\.201\.0/);
  });

  it('allocates from SubnetMin to SubnetMax in node-name order, and reports when they run out', () => {
    const text = cm(
      json(
        '{',
        '  "Network": "10.10.0.0/16",',
        '  "SubnetLen": 20,',
        '  "SubnetMin": "10.10.32.0",',
        '  "SubnetMax": "10.10.48.0",',
        `  ${VXLAN}`,
        '}',
      ),
    );
    const a = analyzeYaml(docs(text, etcdFlannel, node('c'), node('a'), node('b')));
    assert.deepEqual(
      [...a.addressing.nodes.values()].map((n) => `${n.node}=${n.subnets.map((s) => s.text).join(',')}`),
      ['a=10.10.32.0/20', 'b=10.10.48.0/20', 'c='],
    );
    assert.deepEqual(located(a, 'flannel-network-capacity'), [
      at('flannel-network-capacity', text, 9, '"10.10.0.0/16"'),
    ]);
    assert.match(
      only(a, 'flannel-network-capacity').message,
      /holds 2 node subnets \(\/20\) between SubnetMin and SubnetMax.*c gets none/,
    );
  });

  it('reports subnets too small for the pods of a node at SubnetLen', () => {
    const text = cm(json('{', '  "Network": "10.244.0.0/16",', '  "SubnetLen": 29,', `  ${VXLAN}`, '}'));
    const a = analyzeYaml(docs(text, etcdFlannel, node('a'), deployment('default/web', 7, { node: 'a' })));
    assert.deepEqual(located(a, 'flannel-subnet-capacity'), [at('flannel-subnet-capacity', text, 10, '29')]);
    const f = only(a, 'flannel-subnet-capacity');
    assert.equal(f.severity, 'warning');
    assert.match(
      f.message,
      /node a runs 7 pods but its subnet 10\.244\.0\.8\/29 holds 5, so default\/web-5, default\/web-6 get no address/,
    );
    assert.equal(a.addressing.pods.get('default/web-4')!.ips[0].text, '10.244.0.14');
    assert.deepEqual(a.addressing.pods.get('default/web-5')!.ips, []);
  });
});

describe('net-conf.json: the network against the cluster', () => {
  it('reports subnets too small for the pods of a node at Network (kube subnet manager, default SubnetLen)', () => {
    const text = cm(json('{', '  "Network": "10.244.0.0/26",', `  ${VXLAN}`, '}'));
    const a = analyzeYaml(docs(text, node('a'), deployment('default/web', 15, { node: 'a' })));
    assert.equal(a.addressing.config.networks[0].subnetLen, 28);
    assert.deepEqual(located(a, 'flannel-subnet-capacity'), [
      at('flannel-subnet-capacity', text, 9, '"10.244.0.0/26"'),
    ]);
    assert.equal(only(a, 'flannel-subnet-capacity').severity, 'warning');
  });

  it('notes subnets smaller than the kubelet maxPods', () => {
    assert.deepEqual(
      located(
        analyzeYaml(docs(cm(json('{', '  "Network": "10.244.0.0/22",', `  ${VXLAN}`, '}')), node('a'))),
        'flannel-subnet-capacity',
      ),
      [],
    );
    const text = cm(json('{', '  "Network": "10.244.0.0/24",', `  ${VXLAN}`, '}'));
    const a = analyzeYaml(docs(text, node('a')));
    assert.deepEqual(located(a, 'flannel-subnet-capacity'), [
      at('flannel-subnet-capacity', text, 9, '"10.244.0.0/24"'),
    ]);
    assert.equal(only(a, 'flannel-subnet-capacity').severity, 'info');
    assert.match(only(a, 'flannel-subnet-capacity').message, /holds 61 pod addresses, fewer than the 110/);
  });

  it('reports too many nodes for the network at Network', () => {
    // A /22 gives /24 subnets: four of them. The kube subnet manager's stand-in allocation starts at the second and wraps to the first.
    const text = cm(json('{', '  "Network": "10.244.0.0/22",', `  ${VXLAN}`, '}'));
    const a = analyzeYaml(docs(text, ...['a', 'b', 'c', 'd', 'e'].map((n) => node(n))));
    assert.deepEqual(
      [...a.addressing.nodes.values()].map((n) => n.subnets.map((s) => s.text).join()),
      ['10.244.1.0/24', '10.244.2.0/24', '10.244.3.0/24', '10.244.0.0/24', ''],
    );
    assert.deepEqual(located(a, 'flannel-network-capacity'), [
      at('flannel-network-capacity', text, 9, '"10.244.0.0/22"'),
    ]);
    assert.match(only(a, 'flannel-network-capacity').message, /holds 4 node subnets \(\/24\).*5 nodes: e gets none/);
    // With a /23 flannel's default SubnetLen is /25, so three nodes fit.
    const small = analyzeYaml(
      docs(cm(json('{', '  "Network": "10.244.0.0/23",', `  ${VXLAN}`, '}')), node('a'), node('b'), node('c')),
    );
    assert.deepEqual(located(small, 'flannel-network-capacity'), []);
    assert.equal(small.addressing.config.networks[0].subnetLen, 25);
  });

  it("reports nodes' podCIDRs outside Network at Network, with each podCIDR as related information", () => {
    const text = cm(json('{', '  "Network": "10.244.0.0/16",', `  ${VXLAN}`, '}'));
    const a = analyzeYaml(
      docs(text, node('a', { podCIDRs: ['10.244.1.0/24'] }), node('b', { podCIDRs: ['10.42.0.0/24'] })),
    );
    assert.deepEqual(located(a, 'flannel-podcidr-outside-network'), [
      at('flannel-podcidr-outside-network', text, 9, '"10.244.0.0/16"'),
    ]);
    const f = only(a, 'flannel-podcidr-outside-network');
    assert.match(f.message, /b \(10\.42\.0\.0\/24\)/);
    assert.deepEqual(
      f.related!.map((r) => r.span.file.text.slice(r.span.start, r.span.end)),
      ['10.42.0.0/24'],
    );
  });

  it('reports Network overlapping the Service range from kube-apiserver flags', () => {
    const apiserver = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: kube-apiserver-cp, namespace: kube-system}',
      'spec:',
      '  hostNetwork: true',
      '  containers:',
      '  - name: kube-apiserver',
      '    command: [kube-apiserver, --service-cluster-ip-range=10.96.0.0/12, --secure-port=6443]',
      '',
    ].join('\n');
    const text = cm(json('{', '  "Network": "10.96.0.0/16",', `  ${VXLAN}`, '}'));
    const a = analyzeYaml(docs(text, apiserver));
    assert.deepEqual(located(a, 'flannel-network-overlap'), [at('flannel-network-overlap', text, 9, '"10.96.0.0/16"')]);
    const f = only(a, 'flannel-network-overlap');
    assert.equal(f.span.file.text.slice(f.related![0].span.start, f.related![0].span.end), '10.96.0.0/12');
  });

  it("reports Network overlapping a Service's clusterIP and a node's address", () => {
    const svc = [
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: db, namespace: shop}',
      'spec:',
      '  clusterIP: 10.244.5.10',
      '  ports: [{port: 5432}]',
      '',
    ].join('\n');
    const text = cm(json('{', '  "Network": "10.244.0.0/16",', `  ${VXLAN}`, '}'));
    const a = analyzeYaml(docs(text, svc, node('a', { ips: ['10.244.9.9'] })));
    assert.deepEqual(located(a, 'flannel-network-overlap'), [
      at('flannel-network-overlap', text, 9, '"10.244.0.0/16"'),
    ]);
    assert.match(
      only(a, 'flannel-network-overlap').message,
      /clusterIP of Service shop\/db \(10\.244\.5\.10\).*address of node a \(10\.244\.9\.9\)/,
    );
  });

  it("reports a kubeadm podSubnet flannel's Network does not cover", () => {
    const kubeadm = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: kubeadm-config, namespace: kube-system}',
      'data:',
      '  ClusterConfiguration: |',
      '    apiVersion: kubeadm.k8s.io/v1beta3',
      '    networking:',
      '      podSubnet: 10.240.0.0/12',
      '      serviceSubnet: 10.96.0.0/12',
      '',
    ].join('\n');
    const text = cm(json('{', '  "Network": "10.244.0.0/16",', `  ${VXLAN}`, '}'));
    const a = analyzeYaml(docs(text, kubeadm));
    assert.deepEqual(located(a, 'flannel-cluster-cidr-mismatch'), [
      at('flannel-cluster-cidr-mismatch', text, 9, '"10.244.0.0/16"'),
    ]);
    const f = only(a, 'flannel-cluster-cidr-mismatch');
    assert.equal(f.span.file.text.slice(f.related![0].span.start, f.related![0].span.end), '10.240.0.0/12');
  });
});

describe('net-conf.json: Backend', () => {
  it('reports an unknown backend with a did-you-mean at the Type value', () => {
    const text = cm(json('{', '  "Network": "10.244.0.0/16",', '  "Backend": {', '    "Type": "host_gw"', '  }', '}'));
    const a = analyzeYaml(text);
    assert.deepEqual(located(a, 'flannel-backend'), [at('flannel-backend', text, 11, '"host_gw"')]);
    assert.match(only(a, 'flannel-backend').message, /did you mean "host-gw"\?/);
  });

  it('accepts the type in any case, as flannel lower-cases it', () => {
    const a = analyzeYaml(cm(json('{', '  "Network": "10.244.0.0/16",', '  "Backend": {"Type": "VXLAN"}', '}')));
    assert.deepEqual(located(a, 'flannel-backend'), []);
    assert.equal(a.addressing.config.backend.type, 'vxlan');
  });

  it('reports an option of another backend, and option values out of range', () => {
    const text = cm(
      json(
        '{',
        '  "Network": "10.244.0.0/16",',
        '  "Backend": {',
        '    "Type": "vxlan",',
        '    "VNI": 16777216,',
        '    "Port": 70000,',
        '    "ListenPort": 51820',
        '  }',
        '}',
      ),
    );
    const a = analyzeYaml(text);
    assert.deepEqual(located(a, 'flannel-backend'), [
      at('flannel-backend', text, 12, '16777216'),
      at('flannel-backend', text, 13, '70000'),
      at('flannel-backend', text, 14, '"ListenPort"'),
    ]);
    assert.match(
      a.addressing.findings.find((f) => f.message.includes('ListenPort'))!.message,
      /option of the wireguard backend/,
    );
  });

  it('reports a misspelled option with a did-you-mean, and an option of the wrong type', () => {
    const text = cm(
      json(
        '{',
        '  "Network": "10.244.0.0/16",',
        '  "Backend": {"Type": "vxlan", "DirectRoute": true, "GBP": "yes"}',
        '}',
      ),
    );
    const a = analyzeYaml(text);
    assert.deepEqual(located(a, 'flannel-backend'), [
      at('flannel-backend', text, 10, '"DirectRoute"'),
      at('flannel-backend', text, 10, '"yes"'),
    ]);
    assert.match(
      a.addressing.findings.find((f) => f.message.includes('DirectRoute'))!.message,
      /did you mean `DirectRouting`\?/,
    );
  });

  it('reports a missing Backend: flannel code falls back to udp', () => {
    const text = cm(json('{', '  "Network": "10.244.0.0/16"', '}'));
    const a = analyzeYaml(text);
    assert.deepEqual(located(a, 'flannel-backend'), [at('flannel-backend', text, 8, '{')]);
    assert.equal(a.addressing.config.backend.type, 'udp');
    assert.equal(a.addressing.config.backend.mtu, 1472);
  });

  it('reports a wireguard Mode flannel does not know and a PSK that is not a key', () => {
    const text = cm(
      json(
        '{',
        '  "Network": "10.244.0.0/16",',
        '  "Backend": {"Type": "wireguard", "Mode": "Auto", "PSK": "secret"}',
        '}',
      ),
    );
    assert.deepEqual(located(analyzeYaml(text), 'flannel-backend'), [
      at('flannel-backend', text, 10, '"Auto"'),
      at('flannel-backend', text, 10, '"secret"'),
    ]);
  });

  it('reports dual-stack with a backend that carries IPv4 only, and keeps IPv4', () => {
    const text = cm(
      json(
        '{',
        '  "Network": "10.244.0.0/16",',
        '  "IPv6Network": "fd00:10:244::/56",',
        '  "EnableIPv6": true,',
        '  "Backend": {"Type": "ipip"}',
        '}',
      ),
    );
    const a = analyzeYaml(text);
    const errors = a.addressing.findings.filter((f) => f.rule === 'flannel-backend' && f.severity === 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /IPv4 only/);
    assert.deepEqual(located(a, 'flannel-backend'), [
      at('flannel-backend', text, 12, '"ipip"'),
      at('flannel-backend', text, 12, '"ipip"'),
    ]); // and the note that ipip is experimental
    assert.deepEqual(
      a.addressing.config.networks.map((n) => n.family),
      [4],
    );
  });

  it('reports an MTU too small for IPv6, and a Canal veth_mtu larger than the tunnel carries', () => {
    const text = cm(
      json(
        '{',
        '  "Network": "10.244.0.0/16",',
        '  "IPv6Network": "fd00:10:244::/56",',
        '  "EnableIPv6": true,',
        '  "Backend": {"Type": "vxlan", "MTU": 1300}',
        '}',
      ),
    );
    assert.deepEqual(located(analyzeYaml(text), 'flannel-backend'), [at('flannel-backend', text, 12, '1300')]);
    const canal = cm(json('{', '  "Network": "10.244.0.0/16",', `  ${VXLAN}`, '}'), {
      name: 'canal-config',
      namespace: 'kube-system',
      extra: 'veth_mtu: "1500"',
    });
    const a = analyzeYaml(canal);
    assert.deepEqual(located(a, 'flannel-backend'), [at('flannel-backend', canal, 7, '"1500"')]);
    assert.equal(a.addressing.config.cni, 'calico');
    assert.equal(a.addressing.config.backend.mtu, 1500);
  });
});

describe('flannel configuration sources', () => {
  it('prefers kube-flannel/kube-flannel-cfg and reports the other configuration as ignored', () => {
    const older = cm('{"Network": "10.1.0.0/16", "Backend": {"Type": "vxlan"}}', { namespace: 'kube-system' });
    const a = analyzeYaml([older, cm('{"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan"}}')]);
    assert.equal(a.addressing.config.networks[0].network.text, '10.244.0.0/16');
    assert.equal(a.addressing.config.sourceName, 'ConfigMap kube-flannel/kube-flannel-cfg');
    assert.deepEqual(located(a, 'flannel-config-conflict'), [
      at('flannel-config-conflict', older, 4, 'kube-flannel-cfg'),
    ]);
    assert.equal(only(a, 'flannel-config-conflict').span.file.path, 'm0.yaml');
  });

  it('ignores kube-flannel-cfg in other namespaces', () => {
    const a = analyzeYaml(cm('{"Network": "10.1.0.0/16", "Backend": {"Type": "vxlan"}}', { namespace: 'default' }));
    assert.equal(a.addressing.config.origin, 'default');
  });

  it('reports a flannel ConfigMap without net-conf.json at its name', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: kube-flannel-cfg, namespace: kube-flannel}',
      'data:',
      '  cni-conf.json: "{}"',
      '',
    ].join('\n');
    assert.deepEqual(located(analyzeYaml(text), 'flannel-config-invalid'), [
      at('flannel-config-invalid', text, 3, 'kube-flannel-cfg'),
    ]);
  });

  it("checks kube-flannel's cni-conf.json and Canal's cni_network_config as far as addresses go", () => {
    const badCni = cm('{"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan"}}', {
      extra: yaml`
        cni-conf.json: |
          {"name": "cbr0", "plugins": [{"type": "bridge"}]}`,
    });
    assert.deepEqual(located(analyzeYaml(badCni), 'flannel-cni-config'), [
      at('flannel-cni-config', badCni, 8, '[{"type": "bridge"}]'),
    ]);
    const canal = cm('{"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan"}}', {
      name: 'canal-config',
      namespace: 'kube-system',
      extra: yaml`
        cni_network_config: |-
          {
            "name": "k8s-pod-network",
            "plugins": [{"type": "calico", "mtu": __CNI_MTU__, "ipam": {"type": "calico-ipam"}}]
          }`,
    });
    assert.deepEqual(located(analyzeYaml(canal), 'flannel-cni-config'), [
      at('flannel-cni-config', canal, 10, '"calico-ipam"'),
    ]);
    const broken = cm('{"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan"}}', {
      extra: yaml`
        cni-conf.json: |
          {"name": "cbr0",}`,
    });
    assert.deepEqual(located(analyzeYaml(broken), 'flannel-config-syntax'), [
      at('flannel-config-syntax', broken, 8, ','),
    ]);
  });
});
