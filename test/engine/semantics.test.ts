/**
 * Kubernetes NetworkPolicy semantics the shared conformance cases do not cover:
 * defaulting, empty vs absent, ipBlock on pod IPs, ports, protocols, named ports,
 * host networking, and a pod reaching itself.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeYaml, canReach, yaml } from '../helpers';
import { docs, namespace, node, pod, policy } from '../manifests';

const base = [
  namespace('a', { team: 'a' }),
  namespace('b', { team: 'b' }),
  pod('a/client', { node: 'n1' }),
  pod('a/server', { node: 'n2' }),
  pod('b/other', { node: 'n2' }),
];

describe('engine: policyTypes defaulting and isolation', () => {
  it('a policy with only egress rules and no policyTypes isolates ingress too', () => {
    const a = analyzeYaml(
      docs(
        ...base,
        policy(
          'a/egress-only',
          yaml`
            podSelector: {matchLabels: {app: server}}
            egress: [{to: [{podSelector: {}}]}]
          `,
        ),
      ),
    );
    assert.equal(canReach(a, 'a/client', 'a/server'), false, 'ingress isolated by the Kubernetes default');
    assert.equal(canReach(a, 'a/server', 'a/client'), true, 'egress to a same-namespace pod allowed');
    assert.equal(canReach(a, 'a/server', 'b/other'), false, 'egress elsewhere denied');
  });

  it('`egress: []` without policyTypes does not isolate egress', () => {
    const a = analyzeYaml(
      docs(
        ...base,
        policy(
          'a/p',
          yaml`
            podSelector: {matchLabels: {app: client}}
            ingress: [{}]
            egress: []
          `,
        ),
      ),
    );
    assert.equal(canReach(a, 'a/client', 'b/other'), true);
    const v = a.engine.explain(a.engine.indexOf('a/client')!, a.engine.indexOf('b/other')!, 'TCP', 80);
    assert.equal(v.egress.reason, 'no-policy');
  });

  it('policyTypes [Egress] with no egress rules denies all egress and leaves ingress open', () => {
    const a = analyzeYaml(
      docs(
        ...base,
        policy(
          'a/p',
          yaml`
            podSelector: {matchLabels: {app: client}}
            policyTypes: [Egress]
          `,
        ),
      ),
    );
    assert.equal(canReach(a, 'a/client', 'a/server'), false);
    assert.equal(canReach(a, 'b/other', 'a/client'), true);
  });

  it('`ingress: []` denies everything, `ingress: [{}]` allows everything', () => {
    const deny = analyzeYaml(
      docs(
        ...base,
        policy(
          'a/p',
          yaml`
            podSelector: {}
            ingress: []
          `,
        ),
      ),
    );
    assert.equal(canReach(deny, 'b/other', 'a/server'), false);
    const allow = analyzeYaml(
      docs(
        ...base,
        policy(
          'a/p',
          yaml`
            podSelector: {}
            ingress: [{}]
          `,
        ),
      ),
    );
    assert.equal(canReach(allow, 'b/other', 'a/server'), true);
  });

  it('`from: []` and a missing `from` both admit every source', () => {
    for (const rule of ['{from: []}', '{ports: [{port: 80}]}']) {
      const a = analyzeYaml(
        docs(
          ...base,
          policy(
            'a/p',
            yaml`
              podSelector: {}
              ingress: [${rule}]
            `,
          ),
        ),
      );
      assert.equal(canReach(a, 'b/other', 'a/server'), true, rule);
    }
  });

  it('policies add up: a pod selected by two policies takes the union', () => {
    const a = analyzeYaml(
      docs(
        ...base,
        policy(
          'a/from-client',
          yaml`
            podSelector: {matchLabels: {app: server}}
            ingress: [{from: [{podSelector: {matchLabels: {app: client}}}]}]
          `,
        ),
        policy(
          'a/from-b',
          yaml`
            podSelector: {matchLabels: {app: server}}
            ingress: [{from: [{namespaceSelector: {matchLabels: {team: b}}}]}]
          `,
        ),
      ),
    );
    assert.equal(canReach(a, 'a/client', 'a/server'), true);
    assert.equal(canReach(a, 'b/other', 'a/server'), true);
    assert.equal(canReach(a, 'a/server', 'a/server'), false);
  });

  it('leaves an invalid policy out of the simulation', () => {
    const a = analyzeYaml(
      docs(
        ...base,
        policy(
          'a/p',
          yaml`
            podSelector: {}
            policyTypes: [ingress]
            ingress: []
          `,
        ),
      ),
    );
    assert.equal(canReach(a, 'b/other', 'a/server'), true);
  });
});

describe('engine: ipBlock against pod IPs', () => {
  const pods = [
    pod('a/server', { node: 'n1', podIPs: ['10.244.1.10'] }),
    pod('b/x', { node: 'n1', podIPs: ['10.244.1.20'] }),
    pod('b/y', { node: 'n2', podIPs: ['10.244.2.20'] }),
  ];

  it('matches pod IPs inside the CIDR, except the excepted ranges', () => {
    const a = analyzeYaml(
      docs(
        ...pods,
        policy(
          'a/p',
          yaml`
            podSelector: {}
            ingress: [{from: [{ipBlock: {cidr: 10.244.0.0/16, except: [10.244.2.0/24]}}]}]
          `,
        ),
      ),
    );
    assert.equal(canReach(a, 'b/x', 'a/server'), true);
    assert.equal(canReach(a, 'b/y', 'a/server'), false);
  });

  it('matches simulated IPs: a CIDR covering a node subnet matches the pods on that node', () => {
    const a = analyzeYaml(
      docs(
        pod('a/server', { node: 'n1' }),
        pod('b/on-n1', { node: 'n1' }),
        pod('b/on-n2', { node: 'n2' }),
        node('n1', { podCIDRs: ['10.244.7.0/24'] }),
        node('n2'),
        policy(
          'a/p',
          yaml`
            podSelector: {}
            ingress: [{from: [{ipBlock: {cidr: 10.244.7.0/24}}]}]
          `,
        ),
      ),
    );
    assert.equal(a.addressing.pods.get('b/on-n1')!.ips[0].text.startsWith('10.244.7.'), true);
    assert.equal(canReach(a, 'b/on-n1', 'a/server'), true);
    assert.equal(canReach(a, 'b/on-n2', 'a/server'), false);
  });
});

describe('engine: ports and protocols', () => {
  const pods = [
    pod('a/client', { node: 'n1' }),
    pod('a/server', {
      node: 'n2',
      ports: [
        { name: 'http', port: 8080 },
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'sctp', port: 9000, protocol: 'SCTP' },
      ],
    }),
    pod('a/server2', { node: 'n2', labels: { app: 'server' }, ports: [{ name: 'http', port: 9090 }] }),
  ];

  it('defaults the protocol to TCP and honours endPort ranges', () => {
    const a = analyzeYaml(
      docs(
        ...pods,
        policy(
          'a/p',
          yaml`
            podSelector: {matchLabels: {app: server}}
            ingress: [{ports: [{port: 1000, endPort: 2000}]}]
          `,
        ),
      ),
    );
    assert.equal(canReach(a, 'a/client', 'a/server', 1000), true);
    assert.equal(canReach(a, 'a/client', 'a/server', 2000), true);
    assert.equal(canReach(a, 'a/client', 'a/server', 2001), false);
    assert.equal(canReach(a, 'a/client', 'a/server', 1500, 'UDP'), false);
  });

  it('a port entry without a port allows every port of its protocol', () => {
    const a = analyzeYaml(
      docs(
        ...pods,
        policy(
          'a/p',
          yaml`
            podSelector: {matchLabels: {app: server}}
            ingress: [{ports: [{protocol: SCTP}]}]
          `,
        ),
      ),
    );
    assert.equal(canReach(a, 'a/client', 'a/server', 9000, 'SCTP'), true);
    assert.equal(canReach(a, 'a/client', 'a/server', 1, 'SCTP'), true);
    assert.equal(canReach(a, 'a/client', 'a/server', 9000, 'TCP'), false);
  });

  it('resolves a named port per destination pod and protocol', () => {
    const a = analyzeYaml(
      docs(
        ...pods,
        policy(
          'a/p',
          yaml`
            podSelector: {matchLabels: {app: server}}
            ingress: [{ports: [{port: http}, {port: dns, protocol: UDP}]}]
          `,
        ),
      ),
    );
    assert.equal(canReach(a, 'a/client', 'a/server', 8080), true);
    assert.equal(canReach(a, 'a/client', 'a/server', 9090), false);
    assert.equal(canReach(a, 'a/client', 'a/server2', 9090), true);
    assert.equal(canReach(a, 'a/client', 'a/server2', 8080), false);
    assert.equal(canReach(a, 'a/client', 'a/server', 53, 'UDP'), true);
    assert.equal(canReach(a, 'a/client', 'a/server', 53, 'TCP'), false, 'dns is a UDP port');
  });

  it('resolves named ports in egress rules against the destination', () => {
    const a = analyzeYaml(
      docs(
        ...pods,
        policy(
          'a/p',
          yaml`
            podSelector: {matchLabels: {app: client}}
            policyTypes: [Egress]
            egress: [{ports: [{port: http}]}]
          `,
        ),
      ),
    );
    assert.equal(canReach(a, 'a/client', 'a/server', 8080), true);
    assert.equal(canReach(a, 'a/client', 'a/server2', 9090), true);
    assert.equal(canReach(a, 'a/client', 'a/server', 9090), false);
  });
});

describe('engine: host networking and the node', () => {
  const pods = [
    namespace('mon'),
    pod('a/server', { node: 'n1', podIPs: ['10.244.1.5'] }),
    pod('mon/exporter-n1', { node: 'n1', hostNetwork: true, labels: { app: 'exporter' } }),
    pod('mon/exporter-n2', { node: 'n2', hostNetwork: true, labels: { app: 'exporter' } }),
    pod('a/client', { node: 'n2' }),
    node('n1', { ips: ['192.168.1.1'] }),
    node('n2', { ips: ['192.168.1.2'] }),
  ];

  it('traffic from a node to a pod on that node is always allowed; from other nodes policy applies', () => {
    const a = analyzeYaml(
      docs(
        ...pods,
        policy(
          'a/deny',
          yaml`
            podSelector: {}
            ingress: []
          `,
        ),
      ),
    );
    assert.equal(canReach(a, 'mon/exporter-n1', 'a/server'), true);
    assert.equal(canReach(a, 'mon/exporter-n2', 'a/server'), false);
    const v = a.engine.explain(a.engine.indexOf('mon/exporter-n1')!, a.engine.indexOf('a/server')!, 'TCP', 80);
    assert.equal(v.ingress.reason, 'node-local');
  });

  it('hostNetwork pods take their node IP, are not selected by pod selectors, and are not subject to pod policy', () => {
    const a = analyzeYaml(
      docs(
        ...pods,
        policy(
          'mon/deny',
          yaml`
            podSelector: {}
            ingress: []
          `,
        ),
        policy(
          'a/from-exporter',
          yaml`
            podSelector: {}
            ingress: [{from: [{namespaceSelector: {}, podSelector: {matchLabels: {app: exporter}}}]}]
          `,
        ),
      ),
    );
    assert.deepEqual(
      a.addressing.pods.get('mon/exporter-n2')!.ips.map((i) => i.text),
      ['192.168.1.2'],
    );
    assert.equal(
      canReach(a, 'a/client', 'mon/exporter-n2'),
      true,
      'no pod policy applies to a host-network destination',
    );
    assert.equal(
      canReach(a, 'mon/exporter-n2', 'a/server'),
      false,
      'a pod selector does not match a host-network source',
    );
  });

  it('an ipBlock covering a node IP admits its host-network pods', () => {
    const a = analyzeYaml(
      docs(
        ...pods,
        policy(
          'a/p',
          yaml`
            podSelector: {}
            ingress: [{from: [{ipBlock: {cidr: 192.168.1.0/24}}]}]
          `,
        ),
      ),
    );
    assert.equal(canReach(a, 'mon/exporter-n2', 'a/server'), true);
    assert.equal(canReach(a, 'a/client', 'a/server'), false);
  });
});

describe('engine: edge cases', () => {
  it('evaluates a pod reaching itself like any other pair, and says so', () => {
    const a = analyzeYaml(
      docs(
        ...base,
        policy(
          'a/p',
          yaml`
            podSelector: {matchLabels: {app: server}}
            ingress: [{from: [{podSelector: {matchLabels: {app: client}}}]}]
          `,
        ),
      ),
    );
    assert.equal(canReach(a, 'a/server', 'a/server'), false);
    assert.equal(canReach(a, 'a/client', 'a/client'), true);
    const v = a.engine.explain(a.engine.indexOf('a/server')!, a.engine.indexOf('a/server')!, 'TCP', 80);
    assert.match(v.notes.join(' '), /its own IP/);
  });

  it('a pod without an IP (unschedulable) reaches nothing and is reached by nothing', () => {
    const a = analyzeYaml(
      docs(
        pod('a/x', { node: 'n1' }),
        yaml`
          apiVersion: v1
          kind: Pod
          metadata: {name: p, namespace: a}
          spec:
            nodeSelector: {gpu: "true"}
            containers: [{name: c}]
        `,
      ),
    );
    assert.equal(canReach(a, 'a/p', 'a/x'), false);
    assert.equal(canReach(a, 'a/x', 'a/p'), false);
    const v = a.engine.explain(a.engine.indexOf('a/x')!, a.engine.indexOf('a/p')!, 'TCP', 80);
    assert.match(v.notes.join(' '), /a\/p has no IP address/);
  });
});
