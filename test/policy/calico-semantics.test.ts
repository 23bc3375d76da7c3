/**
 * Calico NetworkPolicy / GlobalNetworkPolicy semantics, verdict by verdict:
 * types defaulting, order and ties, Log, selector scopes, namespaceSelector and
 * global(), service accounts, services, nets, notSelector, ports, protocols,
 * ICMP and ipVersion, implicit labels, network sets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIp } from '../../server/src/common/ip';
import { verdictText } from '../../server/src/engine/explain';
import type { Analysis } from '../../server/src/engine/analysis';
import type { Protocol } from '../../server/src/model/kubernetes';
import { externalEndpoint } from '../../server/src/policy/endpoint';
import { analyzeYaml, canReach, lintYaml, spanned, yaml } from '../helpers';
import { pod } from '../manifests';
import { PODS_OF_WORLD, WORLD_POD_OPTIONS, world } from './world';

/** The pods that may open a connection to `to`. */
function reachers(a: Analysis, to: string, port = 80, protocol: Protocol = 'TCP'): string[] {
  return PODS_OF_WORLD.filter((from) => canReach(a, from, to, port, protocol));
}

/** The pods `from` may open a connection to. */
function reached(a: Analysis, from: string, port = 80, protocol: Protocol = 'TCP'): string[] {
  return PODS_OF_WORLD.filter((to) => canReach(a, from, to, port, protocol));
}

function fromIp(a: Analysis, ip: string, to: string, port = 80): boolean {
  const i = a.engine.indexOf(to)!;
  return a.engine.explainEndpoints(externalEndpoint(parseIp(ip)!, a.cluster), a.endpoints[i], 'TCP', port).allowed;
}

function toIp(a: Analysis, from: string, ip: string, port = 80): boolean {
  const i = a.engine.indexOf(from)!;
  return a.engine.explainEndpoints(a.endpoints[i], externalEndpoint(parseIp(ip)!, a.cluster), 'TCP', port).allowed;
}

const gnp = (name: string, spec: string) => yaml`
  apiVersion: projectcalico.org/v3
  kind: GlobalNetworkPolicy
  metadata:
    name: ${name}
  spec:
    ${spec}`;
const np = (ns: string, name: string, spec: string) => yaml`
  apiVersion: projectcalico.org/v3
  kind: NetworkPolicy
  metadata:
    name: ${name}
    namespace: ${ns}
  spec:
    ${spec}`;
const ALL = [...PODS_OF_WORLD];

describe('types defaulting', () => {
  const egressOnly = gnp(
    'egress-only',
    yaml`
      selector: pod == "a"
      egress:
      - action: Allow
        destination:
          selector: ns == "nothing"
    `,
  );

  it('a Calico policy with only egress rules does not isolate ingress', () => {
    const a = analyzeYaml(world(egressOnly));
    // Every pod whose own egress is open reaches x/a; the a pods' egress is what the policy closed.
    assert.deepEqual(reachers(a, 'x/a'), ['x/b', 'y/b', 'z/b']);
    assert.deepEqual(reached(a, 'x/a'), []);
  });

  it('while a Kubernetes NetworkPolicy with only egress rules does', () => {
    const knp = yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: egress-only
        namespace: x
      spec:
        podSelector: {matchLabels: {pod: a}}
        egress:
        - to: [{podSelector: {matchLabels: {pod: b}}}]`;
    const a = analyzeYaml(world(knp));
    assert.deepEqual(reachers(a, 'x/a'), []);
  });

  it('the explanation says how types defaulted', () => {
    const a = analyzeYaml(world(egressOnly));
    const v = a.engine.explain(a.engine.indexOf('x/a')!, a.engine.indexOf('y/a')!, 'TCP', 80);
    const text = verdictText(v, 'x/a', 'y/a').join('\n');
    assert.match(
      text,
      /note: egress-only: types is not set and the policy has only egress rules, so Calico sets types to \[Egress\]: it does not isolate ingress/,
    );
  });

  it('a policy with no rules and no types isolates ingress only', () => {
    const a = analyzeYaml(world(gnp('empty', 'selector: pod == "a"')));
    assert.deepEqual(reachers(a, 'x/a'), []);
    assert.deepEqual(reached(a, 'x/a'), ['x/b', 'y/b', 'z/b']);
  });

  it('explicit types win', () => {
    const a = analyzeYaml(
      world(
        gnp(
          'both',
          yaml`
            selector: pod == "a"
            types: [Ingress, Egress]
          `,
        ),
      ),
    );
    assert.deepEqual(reached(a, 'x/a'), []);
  });
});

describe('order, ties and actions', () => {
  const allow = (name: string, order: string) => np('x', name, `${order}ingress:\n- action: Allow`);
  const deny = (name: string, order: string) => np('x', name, `${order}ingress:\n- action: Deny`);

  it('lower order first', () => {
    assert.deepEqual(reachers(analyzeYaml(world(allow('p1', 'order: 20\n'), deny('p2', 'order: 10\n'))), 'x/a'), []);
    assert.deepEqual(reachers(analyzeYaml(world(allow('p1', 'order: 5\n'), deny('p2', 'order: 10\n'))), 'x/a'), ALL);
  });

  it('equal orders tie by name', () => {
    assert.deepEqual(
      reachers(analyzeYaml(world(allow('a-allow', 'order: 10\n'), deny('b-deny', 'order: 10\n'))), 'x/a'),
      ALL,
    );
    assert.deepEqual(
      reachers(analyzeYaml(world(allow('b-allow', 'order: 10\n'), deny('a-deny', 'order: 10\n'))), 'x/a'),
      [],
    );
  });

  it('a policy without order comes after every ordered one, including Kubernetes policies at 1000', () => {
    const knpAllow = yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-all
        namespace: x
      spec:
        podSelector: {}
        ingress: [{}]`;
    assert.deepEqual(reachers(analyzeYaml(world(deny('deny-no-order', ''), knpAllow)), 'x/a'), ALL);
    assert.deepEqual(reachers(analyzeYaml(world(deny('deny-999', 'order: 999\n'), knpAllow)), 'x/a'), []);
  });

  it('Log goes on to the next rule, and the explanation says so', () => {
    const a = analyzeYaml(
      world(
        np(
          'x',
          'log-then-deny',
          yaml`
            ingress:
            - action: Log
            - action: Deny
              source:
                selector: pod == "b"
            - action: Allow
          `,
        ),
      ),
    );
    // The Deny's selector only looks in namespace x, so y/b and z/b reach rule 3.
    assert.deepEqual(reachers(a, 'x/a'), ['x/a', 'y/a', 'y/b', 'z/a', 'z/b']);
    const text = verdictText(
      a.engine.explain(a.engine.indexOf('x/b')!, a.engine.indexOf('x/a')!, 'TCP', 80),
      'x/b',
      'x/a',
    ).join('\n');
    assert.match(
      text,
      /Calico NetworkPolicy x\/log-then-deny \(no order\) ingress rule 1 Log \(evaluation goes on\): all traffic\n.*ingress rule 2 Deny: from selector pod == "b"/,
    );
  });
});

describe('selector scopes', () => {
  it("a NetworkPolicy's selector selects pods of its own namespace only", () => {
    const a = analyzeYaml(
      world(
        np(
          'x',
          'deny-a',
          yaml`
            selector: pod == "a"
            ingress:
            - action: Deny
          `,
        ),
      ),
    );
    assert.deepEqual(reachers(a, 'x/a'), []);
    assert.deepEqual(reachers(a, 'y/a'), ALL);
  });

  it("a NetworkPolicy rule selector without namespaceSelector looks in the policy's namespace", () => {
    const a = analyzeYaml(
      world(
        np(
          'x',
          'from-a',
          yaml`
            ingress:
            - action: Allow
              source:
                selector: pod == "a"
          `,
        ),
      ),
    );
    assert.deepEqual(reachers(a, 'x/b'), ['x/a']);
  });

  it('a GlobalNetworkPolicy rule selector looks in every namespace', () => {
    const a = analyzeYaml(
      world(
        gnp(
          'from-a',
          yaml`
            selector: projectcalico.org/namespace == "x"
            ingress:
            - action: Allow
              source:
                selector: pod == "a"
          `,
        ),
      ),
    );
    assert.deepEqual(reachers(a, 'x/b'), ['x/a', 'y/a', 'z/a']);
  });

  it('a GlobalNetworkPolicy namespaceSelector limits the pods it applies to', () => {
    const a = analyzeYaml(
      world(
        gnp(
          'deny-in-y',
          yaml`
            namespaceSelector: projectcalico.org/name == "y"
            ingress:
            - action: Deny
          `,
        ),
      ),
    );
    assert.deepEqual(reachers(a, 'y/a'), []);
    assert.deepEqual(reachers(a, 'x/a'), ALL);
  });

  it('namespaceSelector matches namespace labels, with projectcalico.org/name for the name', () => {
    const a = analyzeYaml(
      world(
        np(
          'x',
          'from-y',
          yaml`
            ingress:
            - action: Allow
              source:
                namespaceSelector: ns == "y"
                selector: pod == "b"
            - action: Allow
              source:
                namespaceSelector: projectcalico.org/name == "z"
          `,
        ),
      ),
    );
    assert.deepEqual(reachers(a, 'x/a'), ['y/b', 'z/a', 'z/b']);
  });

  it('namespaceSelector all() means every namespace, global() no pod at all', () => {
    const all = analyzeYaml(
      world(
        np(
          'x',
          'p',
          yaml`
            ingress:
            - action: Allow
              source:
                namespaceSelector: all()
                selector: pod == "a"
          `,
        ),
      ),
    );
    assert.deepEqual(reachers(all, 'x/b'), ['x/a', 'y/a', 'z/a']);
    const global = analyzeYaml(
      world(
        np(
          'x',
          'p',
          yaml`
            ingress:
            - action: Allow
              source:
                namespaceSelector: global()
          `,
        ),
      ),
    );
    assert.deepEqual(reachers(global, 'x/b'), []);
  });

  it('notSelector in a namespaced policy: its own namespace minus the selected pods', () => {
    const a = analyzeYaml(
      world(
        np(
          'x',
          'p',
          yaml`
            ingress:
            - action: Allow
              source:
                notSelector: pod == "a"
          `,
        ),
      ),
    );
    assert.deepEqual(reachers(a, 'x/b'), ['x/b']);
  });

  it('notSelector in a GlobalNetworkPolicy matches addresses outside the cluster too; a negated selector does not', () => {
    const notSel = analyzeYaml(
      world(
        gnp(
          'p',
          yaml`
            selector: pod == "a"
            ingress:
            - action: Allow
              source:
                notSelector: has(pod)
          `,
        ),
      ),
    );
    assert.deepEqual(reachers(notSel, 'x/a'), []);
    assert.equal(fromIp(notSel, '203.0.113.9', 'x/a'), true);
    const negated = analyzeYaml(
      world(
        gnp(
          'p',
          yaml`
            selector: pod == "a"
            ingress:
            - action: Allow
              source:
                selector: "!has(pod)"
          `,
        ),
      ),
    );
    assert.equal(fromIp(negated, '203.0.113.9', 'x/a'), false);
  });

  it("an all() rule selector does not match all packets: only Calico endpoints'", () => {
    const a = analyzeYaml(
      world(
        gnp(
          'p',
          yaml`
            selector: pod == "a"
            ingress:
            - action: Allow
              source:
                selector: all()
          `,
        ),
      ),
    );
    assert.equal(fromIp(a, '203.0.113.9', 'x/a'), false);
    assert.equal(canReach(a, 'y/b', 'x/a'), true);
  });
});

describe("Calico's implicit labels", () => {
  it('projectcalico.org/namespace, /orchestrator and /serviceaccount are on every pod', () => {
    const a = analyzeYaml(
      world(
        gnp(
          'p',
          yaml`
            selector: projectcalico.org/namespace == 'x' && projectcalico.org/orchestrator == 'k8s' && projectcalico.org/serviceaccount == 'default'
            ingress:
            - action: Deny
          `,
        ),
      ),
    );
    assert.deepEqual(reachers(a, 'x/a'), []);
    assert.deepEqual(reachers(a, 'y/a'), ALL);
  });

  it('namespace labels are inherited with the pcns. prefix, and pods cannot fake them', () => {
    const faker = pod('y/faker', { ...WORLD_POD_OPTIONS, labels: { 'pcns.ns': 'x' }, podIPs: ['10.244.2.99'] });
    const a = analyzeYaml(
      world(
        faker,
        gnp(
          'p',
          yaml`
            selector: pcns.ns == 'x'
            ingress:
            - action: Deny
          `,
        ),
      ),
    );
    assert.equal(canReach(a, 'x/a', 'x/b'), false);
    assert.equal(canReach(a, 'x/a', 'y/faker'), true);
  });
});

describe('service accounts', () => {
  const sa = (ns: string, name: string, labels: string) => yaml`
    apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: ${name}
      namespace: ${ns}
      labels: {${labels}}`;
  const docs = [
    sa('x', 'frontend', 'team: web'),
    sa('x', 'batch', 'team: data'),
    pod('x/web', { ...WORLD_POD_OPTIONS, labels: { pod: 'web' }, serviceAccount: 'frontend', podIPs: ['10.244.1.50'] }),
    pod('x/job', { ...WORLD_POD_OPTIONS, labels: { pod: 'job' }, serviceAccount: 'batch', podIPs: ['10.244.1.51'] }),
  ];

  it('rule serviceAccounts by names', () => {
    const a = analyzeYaml(
      world(
        ...docs,
        np(
          'x',
          'p',
          yaml`
            selector: pod == "a"
            ingress:
            - action: Allow
              source:
                serviceAccounts:
                  names: [frontend]
          `,
        ),
      ),
    );
    assert.equal(canReach(a, 'x/web', 'x/a'), true);
    assert.equal(canReach(a, 'x/job', 'x/a'), false);
    assert.equal(canReach(a, 'x/b', 'x/a'), false);
  });

  it('rule serviceAccounts by selector over the service account labels', () => {
    const a = analyzeYaml(
      world(
        ...docs,
        np(
          'x',
          'p',
          yaml`
            selector: pod == "a"
            ingress:
            - action: Allow
              source:
                serviceAccounts:
                  selector: team == "data"
          `,
        ),
      ),
    );
    assert.equal(canReach(a, 'x/job', 'x/a'), true);
    assert.equal(canReach(a, 'x/web', 'x/a'), false);
  });

  it('serviceAccountSelector chooses the pods a policy applies to (projectcalico.org/name is the name)', () => {
    const a = analyzeYaml(
      world(
        ...docs,
        np(
          'x',
          'p',
          yaml`
            serviceAccountSelector: projectcalico.org/name == "frontend"
            ingress:
            - action: Deny
          `,
        ),
      ),
    );
    assert.equal(canReach(a, 'x/a', 'x/web'), false);
    assert.equal(canReach(a, 'x/a', 'x/job'), true);
  });
});

describe('services', () => {
  const svc = yaml`
    apiVersion: v1
    kind: Service
    metadata:
      name: web
      namespace: y
    spec:
      selector: {pod: a}
      ports:
      - {port: 8080, targetPort: http}`;

  it("a destination services match allows the service's pods on its target ports only", () => {
    const a = analyzeYaml(
      world(
        svc,
        gnp(
          'egress',
          yaml`
            selector: projectcalico.org/namespace == "x"
            egress:
            - action: Allow
              destination:
                services: {name: web, namespace: y}
          `,
        ),
      ),
    );
    assert.deepEqual(reached(a, 'x/a', 80), ['y/a']);
    assert.deepEqual(reached(a, 'x/a', 81), []);
  });

  it('a Service that does not exist matches nothing, with a warning at its name', () => {
    const text = world(
      svc,
      np(
        'x',
        'p',
        yaml`
          egress:
          - action: Allow
            destination:
              services: {name: wev, namespace: y}
        `,
      ),
    );
    assert.deepEqual(reached(analyzeYaml(text), 'x/a'), []);
    const f = lintYaml(text).find((x) => x.rule === 'unknown-service')!;
    assert.equal(spanned(f), 'wev');
    assert.match(f.message, /no Service y\/wev in the workspace, so this match selects nothing. Did you mean "web"\?/);
  });

  it('a Service in a namespace the workspace knows nothing of is an info that says how to include it', () => {
    const text = world(
      svc,
      np(
        'x',
        'p',
        yaml`
          egress:
          - action: Allow
            destination:
              services: {name: api, namespace: billing}
        `,
      ),
    );
    const f = lintYaml(text).find((x) => x.rule === 'unknown-service')!;
    assert.equal(f.severity, 'info');
    assert.match(
      f.message,
      /no Service billing\/api in the workspace.*The workspace does not define namespace billing \(no Namespace object, no Service\)/,
    );
  });

  it("a source services match admits the service's pods", () => {
    const a = analyzeYaml(
      world(
        svc,
        np(
          'z',
          'from-web',
          yaml`
            ingress:
            - action: Allow
              source:
                services: {name: web, namespace: y}
          `,
        ),
      ),
    );
    assert.deepEqual(reachers(a, 'z/a'), ['y/a']);
  });
});

describe('nets', () => {
  it('nets match addresses, pods included; notNets exclude them', () => {
    const a = analyzeYaml(
      world(
        gnp(
          'p',
          yaml`
            selector: pod == "a"
            ingress:
            - action: Allow
              source:
                nets: [10.244.2.0/24, 198.51.100.7]
                notNets: [10.244.2.11/32]
          `,
        ),
      ),
    );
    assert.deepEqual(reachers(a, 'x/a'), ['y/a']);
    assert.equal(fromIp(a, '198.51.100.7', 'x/a'), true);
    assert.equal(fromIp(a, '198.51.100.8', 'x/a'), false);
  });

  it('egress nets', () => {
    const a = analyzeYaml(
      world(
        gnp(
          'p',
          yaml`
            selector: pod == "a"
            egress:
            - action: Allow
              destination:
                nets: [0.0.0.0/0]
                notNets: [10.0.0.0/8]
          `,
        ),
      ),
    );
    assert.equal(toIp(a, 'x/a', '8.8.8.8'), true);
    assert.deepEqual(reached(a, 'x/a'), []);
  });
});

describe('network sets', () => {
  const gns = yaml`
    apiVersion: projectcalico.org/v3
    kind: GlobalNetworkSet
    metadata:
      name: partners
      labels: {role: partner}
    spec:
      nets: [198.51.100.0/24]`;
  const ns = yaml`
    apiVersion: projectcalico.org/v3
    kind: NetworkSet
    metadata:
      name: office
      namespace: y
      labels: {role: office}
    spec:
      nets: [192.0.2.0/24]`;

  it('a rule selector matches the addresses of a GlobalNetworkSet', () => {
    const a = analyzeYaml(
      world(
        gns,
        gnp(
          'p',
          yaml`
            selector: pod == "a"
            ingress:
            - action: Allow
              source:
                selector: role == "partner"
          `,
        ),
      ),
    );
    assert.equal(fromIp(a, '198.51.100.20', 'x/a'), true);
    assert.equal(fromIp(a, '203.0.113.1', 'x/a'), false);
  });

  it('namespaceSelector global() selects GlobalNetworkSets, not pods', () => {
    const a = analyzeYaml(
      world(
        gns,
        np(
          'x',
          'p',
          yaml`
            selector: pod == "a"
            ingress:
            - action: Allow
              source:
                namespaceSelector: global()
                selector: role == "partner"
          `,
        ),
      ),
    );
    assert.equal(fromIp(a, '198.51.100.20', 'x/a'), true);
    assert.deepEqual(reachers(a, 'x/a'), []);
  });

  it('a NetworkSet is in its namespace: a NetworkPolicy elsewhere sees it only through a namespaceSelector', () => {
    const own = analyzeYaml(
      world(
        ns,
        np(
          'x',
          'p',
          yaml`
            selector: pod == "a"
            ingress:
            - action: Allow
              source:
                selector: role == "office"
          `,
        ),
      ),
    );
    assert.equal(fromIp(own, '192.0.2.5', 'x/a'), false);
    const other = analyzeYaml(
      world(
        ns,
        np(
          'x',
          'p',
          yaml`
            selector: pod == "a"
            ingress:
            - action: Allow
              source:
                namespaceSelector: ns == "y"
                selector: role == "office"
          `,
        ),
      ),
    );
    assert.equal(fromIp(other, '192.0.2.5', 'x/a'), true);
  });
});

describe('ports and protocols', () => {
  const rule = (body: string) =>
    world(
      gnp(
        'p',
        yaml`
          selector: pod == "a"
          ingress:
          ${body}`,
      ),
    );

  it('ports take numbers, numeric strings, ranges and named ports', () => {
    const a = analyzeYaml(
      rule(yaml`
        - action: Allow
          protocol: TCP
          destination:
            ports: [81, "1000:2000"]
      `),
    );
    assert.equal(canReach(a, 'y/a', 'x/a', 81), true);
    assert.equal(canReach(a, 'y/a', 'x/a', 1500), true);
    assert.equal(canReach(a, 'y/a', 'x/a', 80), false);
    const named = analyzeYaml(
      rule(yaml`
        - action: Allow
          protocol: TCP
          destination:
            ports: [http]
      `),
    );
    assert.equal(canReach(named, 'y/a', 'x/a', 80), true);
    assert.equal(canReach(named, 'y/a', 'x/a', 80, 'UDP'), false);
  });

  it('notPorts', () => {
    const a = analyzeYaml(
      rule(yaml`
        - action: Allow
          protocol: TCP
          destination:
            notPorts: ["80:81"]
      `),
    );
    assert.equal(canReach(a, 'y/a', 'x/a', 80), false);
    assert.equal(canReach(a, 'y/a', 'x/a', 443), true);
  });

  it('protocol by name or number, and notProtocol', () => {
    assert.equal(
      canReach(
        analyzeYaml(
          rule(yaml`
            - action: Allow
              protocol: 17
          `),
        ),
        'y/a',
        'x/a',
        80,
        'UDP',
      ),
      true,
    );
    assert.equal(
      canReach(
        analyzeYaml(
          rule(yaml`
            - action: Allow
              protocol: 17
          `),
        ),
        'y/a',
        'x/a',
        80,
        'TCP',
      ),
      false,
    );
    const not = analyzeYaml(
      rule(yaml`
        - action: Allow
          notProtocol: TCP
      `),
    );
    assert.equal(canReach(not, 'y/a', 'x/a', 80, 'TCP'), false);
    assert.equal(canReach(not, 'y/a', 'x/a', 80, 'SCTP'), true);
  });

  it('ICMP rules and IPv6-only rules never match IPv4 TCP', () => {
    assert.equal(
      canReach(
        analyzeYaml(
          rule(yaml`
            - action: Allow
              protocol: ICMP
              icmp: {type: 8}
          `),
        ),
        'y/a',
        'x/a',
      ),
      false,
    );
    assert.equal(
      canReach(
        analyzeYaml(
          rule(yaml`
            - action: Allow
              ipVersion: 6
          `),
        ),
        'y/a',
        'x/a',
      ),
      false,
    );
    assert.equal(
      canReach(
        analyzeYaml(
          rule(yaml`
            - action: Allow
              ipVersion: 4
          `),
        ),
        'y/a',
        'x/a',
      ),
      true,
    );
  });

  it('source ports: a client port is ephemeral, so only a condition covering 32768-60999 holds', () => {
    assert.equal(
      canReach(
        analyzeYaml(
          rule(yaml`
            - action: Allow
              protocol: TCP
              source:
                ports: ["1024:65535"]
          `),
        ),
        'y/a',
        'x/a',
      ),
      true,
    );
    assert.equal(
      canReach(
        analyzeYaml(
          rule(yaml`
            - action: Allow
              protocol: TCP
              source:
                ports: [53]
          `),
        ),
        'y/a',
        'x/a',
      ),
      false,
    );
    assert.equal(
      canReach(
        analyzeYaml(
          rule(yaml`
            - action: Allow
              protocol: TCP
              source:
                notPorts: ["1:1023"]
          `),
        ),
        'y/a',
        'x/a',
      ),
      true,
    );
  });
});

describe('hostNetwork pods', () => {
  it('are not workload endpoints: selectors never match them, policies never apply to them', () => {
    const host = pod('x/node-agent', { ...WORLD_POD_OPTIONS, labels: { pod: 'node-agent' }, hostNetwork: true });
    const a = analyzeYaml(
      world(
        host,
        gnp(
          'deny-all',
          yaml`
            selector: all()
            ingress:
            - action: Deny
          `,
        ),
      ),
    );
    assert.equal(canReach(a, 'x/a', 'x/node-agent'), true);
  });
});

describe('tiers', () => {
  const tier = (name: string, order?: number) => yaml`
    apiVersion: projectcalico.org/v3
    kind: Tier
    metadata:
      name: ${name}
    spec: {${order === undefined ? '' : `order: ${order}`}}`;
  const inTier = (t: string, action: string) =>
    gnp(
      `${t}.p`,
      yaml`
        tier: ${t}
        selector: pod == "a"
        ingress:
        - action: ${action}`,
    );

  it('a tier without order comes after every ordered tier, the default tier included', () => {
    const knpDeny = yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: deny
        namespace: x
      spec:
        podSelector: {}`;
    const a = analyzeYaml(world(tier('last'), inTier('last', 'Allow'), knpDeny));
    assert.equal(canReach(a, 'y/a', 'x/a'), false);
    const b = analyzeYaml(world(tier('first', 5), inTier('first', 'Allow'), knpDeny));
    assert.equal(canReach(b, 'y/a', 'x/a'), true);
  });

  it('tiers with equal order run in name order', () => {
    assert.equal(
      canReach(
        analyzeYaml(world(tier('alpha', 7), tier('beta', 7), inTier('alpha', 'Deny'), inTier('beta', 'Allow'))),
        'y/a',
        'x/a',
      ),
      false,
    );
    assert.equal(
      canReach(
        analyzeYaml(world(tier('alpha', 7), tier('beta', 7), inTier('alpha', 'Allow'), inTier('beta', 'Deny'))),
        'y/a',
        'x/a',
      ),
      true,
    );
  });

  it('Calico policies may join the kube-admin and kube-baseline tiers', () => {
    const a = analyzeYaml(
      world(
        gnp(
          'late',
          yaml`
            tier: kube-baseline
            selector: pod == "a"
            ingress:
            - action: Deny
          `,
        ),
      ),
    );
    assert.equal(canReach(a, 'y/a', 'x/a'), false);
    assert.match(
      verdictText(a.engine.explain(a.engine.indexOf('y/a')!, a.engine.indexOf('x/a')!, 'TCP', 80), 'y/a', 'x/a').join(
        '\n',
      ),
      /tier kube-baseline: GlobalNetworkPolicy late \(no order\) ingress rule 1 Deny/,
    );
  });
});
