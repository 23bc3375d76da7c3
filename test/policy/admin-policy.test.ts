/**
 * ClusterNetworkPolicy (v1alpha2) and AdminNetworkPolicy / BaselineAdminNetworkPolicy
 * (v1alpha1): kube-admin before NetworkPolicies, kube-baseline after, priority as
 * order, Accept/Deny/Pass, no implicit isolation, reading checks, fail-closed peers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verdictText } from '../../server/src/engine/explain';
import type { Analysis } from '../../server/src/engine/analysis';
import { analyzeYaml, canReach, lintYaml, spanned, yaml } from '../helpers';
import { checkedPolicy, PODS_OF_WORLD, world } from './world';

/** A ClusterNetworkPolicy; `spec` (YAML) follows its tier and priority. */
const cnp = (name: string, tier: string, priority: number, spec: string) => yaml`
  apiVersion: policy.networking.k8s.io/v1alpha2
  kind: ClusterNetworkPolicy
  metadata:
    name: ${name}
  spec:
    tier: ${tier}
    priority: ${priority}
    ${spec}`;
const subjectX = yaml`
  subject:
    namespaces:
      matchLabels: {ns: x}
`;
const fromY = (action: string) => yaml`
  ingress:
  - name: from-y
    action: ${action}
    from:
    - namespaces:
        matchLabels: {ns: y}
`;
const knpAllowAll = yaml`
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: allow-all
    namespace: x
  spec:
    podSelector: {}
    ingress: [{}]`;
const knpDenyAll = yaml`
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: deny-all
    namespace: x
  spec:
    podSelector: {}
    policyTypes: [Ingress]`;

function trace(a: Analysis, from: string, to: string, port = 80): string {
  return verdictText(a.engine.explain(a.engine.indexOf(from)!, a.engine.indexOf(to)!, 'TCP', port), from, to).join(
    '\n',
  );
}

describe('ClusterNetworkPolicy', () => {
  it('Admin Deny wins over a NetworkPolicy allow', () => {
    const a = analyzeYaml(world(knpAllowAll, cnp('block-y', 'Admin', 10, subjectX + fromY('Deny'))));
    assert.equal(canReach(a, 'y/a', 'x/a'), false);
    assert.equal(canReach(a, 'z/a', 'x/a'), true);
    assert.match(
      trace(a, 'y/a', 'x/a'),
      /tier kube-admin: ClusterNetworkPolicy block-y \(order 10\) ingress rule 1 Deny: "from-y": from pods in namespaces \{ns=y\}/,
    );
  });

  it('Admin Accept wins over a NetworkPolicy deny', () => {
    const a = analyzeYaml(world(knpDenyAll, cnp('open-y', 'Admin', 10, subjectX + fromY('Accept'))));
    assert.equal(canReach(a, 'y/a', 'x/a'), true);
    assert.equal(canReach(a, 'z/a', 'x/a'), false);
  });

  it('Admin Pass hands over to NetworkPolicies, then Baseline, then the profile', () => {
    const a = analyzeYaml(
      world(
        cnp('pass-y', 'Admin', 10, subjectX + fromY('Pass')),
        cnp('baseline-deny-y', 'Baseline', 10, subjectX + fromY('Deny')),
      ),
    );
    assert.equal(canReach(a, 'y/a', 'x/a'), false);
    const t = trace(a, 'y/a', 'x/a');
    assert.match(
      t,
      /tier kube-admin: ClusterNetworkPolicy pass-y \(order 10\) ingress rule 1 Pass \(to the next tier\)/,
    );
    assert.match(t, /tier kube-baseline: ClusterNetworkPolicy baseline-deny-y \(order 10\) ingress rule 1 Deny/);
    const withNp = analyzeYaml(
      world(
        knpAllowAll,
        cnp('pass-y', 'Admin', 10, subjectX + fromY('Pass')),
        cnp('baseline-deny-y', 'Baseline', 10, subjectX + fromY('Deny')),
      ),
    );
    assert.equal(canReach(withNp, 'y/a', 'x/a'), true);
  });

  it('no implicit isolation: unmatched traffic passes through both tiers to the profile', () => {
    const a = analyzeYaml(world(cnp('block-y', 'Admin', 10, subjectX + fromY('Deny'))));
    assert.equal(canReach(a, 'z/a', 'x/a'), true);
    assert.match(
      trace(a, 'z/a', 'x/a'),
      /tier kube-admin: no rule of block-y matched; the tier's default action is Pass\n.*profile kns\.x allows/,
    );
  });

  it('lower priority first inside a tier', () => {
    const body = (action: string) => subjectX + fromY(action);
    assert.equal(
      canReach(
        analyzeYaml(world(cnp('a', 'Admin', 20, body('Accept')), cnp('b', 'Admin', 5, body('Deny')))),
        'y/a',
        'x/a',
      ),
      false,
    );
    assert.equal(
      canReach(
        analyzeYaml(world(cnp('a', 'Admin', 5, body('Accept')), cnp('b', 'Admin', 20, body('Deny')))),
        'y/a',
        'x/a',
      ),
      true,
    );
  });

  it('pods subjects and peers, protocols with ports, ranges and named ports', () => {
    const body = yaml`
      subject:
        pods:
          namespaceSelector: {matchLabels: {ns: x}}
          podSelector: {matchLabels: {pod: a}}
      ingress:
      - action: Deny
        from:
        - pods:
            namespaceSelector: {}
            podSelector: {matchLabels: {pod: b}}
        protocols:
        - tcp: {destinationPort: {number: 81}}
        - udp: {destinationPort: {range: {start: 70, end: 90}}}
        - destinationNamedPort: http
    `;
    const a = analyzeYaml(world(cnp('p', 'Admin', 1, body)));
    assert.equal(canReach(a, 'y/b', 'x/a', 81), false);
    assert.equal(canReach(a, 'y/b', 'x/a', 80), false);
    assert.equal(canReach(a, 'y/b', 'x/a', 80, 'UDP'), false);
    assert.equal(canReach(a, 'y/b', 'x/a', 82), true);
    assert.equal(canReach(a, 'y/a', 'x/a', 81), true);
    assert.equal(canReach(a, 'y/b', 'x/b', 81), true);
  });

  it('egress networks peers', () => {
    const body = yaml`
      subject:
        namespaces: {}
      egress:
      - action: Deny
        to:
        - networks: [10.244.2.0/24]
    `;
    const a = analyzeYaml(world(cnp('no-y', 'Baseline', 1, body)));
    assert.equal(canReach(a, 'x/a', 'y/a'), false);
    assert.equal(canReach(a, 'x/a', 'z/a'), true);
  });

  it('a nodes peer fails closed as in Calico: a Deny rule denies everything', () => {
    const body = yaml`
      subject:
        namespaces: {matchLabels: {ns: x}}
      egress:
      - action: Deny
        to:
        - nodes: {}
    `;
    const text = world(cnp('no-nodes', 'Admin', 1, body));
    const a = analyzeYaml(text);
    assert.equal(canReach(a, 'x/a', 'z/a'), false);
    const f = lintYaml(text).find((x) => x.rule === 'field-not-simulated')!;
    assert.equal(f.severity, 'warning');
    assert.equal(spanned(f), 'nodes');
    assert.match(f.message, /fails closed, so Calico replaces this Deny rule with one that denies all egress traffic/);
  });

  it('reading checks: tier, priority, exactly one subject, Accept not Allow', () => {
    const f = lintYaml(
      cnp(
        'bad',
        'admin',
        2000,
        yaml`
          subject:
            namespaces: {}
            pods: {podSelector: {}}
          ingress:
          - action: Allow
            from: []
        `,
      ),
    );
    const msg = (re: RegExp) => f.find((x) => re.test(x.message));
    assert.equal(spanned(msg(/"admin" is not allowed; use "Admin"/)!), 'admin');
    assert.equal(spanned(msg(/priority: 2000 is out of range/)!), '2000');
    assert.equal(spanned(msg(/subject sets namespaces and pods; exactly one is allowed/)!), 'pods');
    assert.match(msg(/"Allow" is not allowed/)!.message, /"Accept", "Deny" or "Pass"/);
    assert.ok(msg(/`from` must list at least one peer/));
    assert.ok(f.some((x) => x.rule === 'policy-not-simulated'));
  });
});

describe("a pod's traffic to its own IP", () => {
  const fromX = (action: string) => yaml`
    ingress:
    - name: from-x
      action: ${action}
      from:
      - namespaces:
          matchLabels: {ns: x}
  `;
  const toX = (action: string) => yaml`
    egress:
    - name: to-x
      action: ${action}
      to:
      - namespaces:
          matchLabels: {ns: x}
  `;

  it('is not subject to ClusterNetworkPolicy, in either tier or direction, and the explanation says so', () => {
    for (const spec of [
      cnp('deny-x', 'Admin', 10, subjectX + fromX('Deny')),
      cnp('deny-x', 'Admin', 10, subjectX + toX('Deny')),
      cnp('deny-x', 'Baseline', 10, subjectX + fromX('Deny')),
    ]) {
      const a = analyzeYaml(world(spec));
      assert.equal(canReach(a, 'x/a', 'x/b'), false, 'another pod of x is denied');
      assert.equal(canReach(a, 'x/a', 'x/a'), true, 'its own IP is not');
      const ids = PODS_OF_WORLD.map((id) => a.engine.indexOf(id)!);
      const m = a.engine.matrix('TCP', 80, ids);
      assert.deepEqual(
        ids.map((_, i) => m[i][i]),
        ids.map(() => 1),
        'the matrix diagonal agrees',
      );
      const t = trace(a, 'x/a', 'x/a');
      assert.match(t, /^x\/a -> x\/a TCP\/80: ALLOWED/);
      assert.match(t, /ClusterNetworkPolicy .*does not apply to it.*\(not applied here: ClusterNetworkPolicy deny-x\)/);
      assert.match(
        t,
        /(in|e)gress (to|from) x\/a: allowed: only ClusterNetworkPolicy selects x\/a for (in|e)gress, and a pod's traffic to its own IP is not subject to it/,
      );
    }
  });

  it('is not subject to AdminNetworkPolicy or BaselineAdminNetworkPolicy either', () => {
    const anp = yaml`
      apiVersion: policy.networking.k8s.io/v1alpha1
      kind: AdminNetworkPolicy
      metadata: {name: anp}
      spec:
        priority: 3
        ${subjectX + fromX('Deny')}`;
    const a = analyzeYaml(world(anp));
    assert.equal(canReach(a, 'x/b', 'x/a'), false);
    assert.equal(canReach(a, 'x/a', 'x/a'), true);
  });

  it('stays subject to NetworkPolicy and Calico policy, also beside a ClusterNetworkPolicy', () => {
    const withKnp = analyzeYaml(world(knpDenyAll, cnp('accept-x', 'Baseline', 10, subjectX + fromX('Accept'))));
    assert.equal(canReach(withKnp, 'x/a', 'x/a'), false);
    assert.match(trace(withKnp, 'x/a', 'x/a'), /tier default: no rule of deny-all matched/);
    const withGnp = analyzeYaml(
      world(checkedPolicy('ingress: [{action: Deny}]'), cnp('accept-x', 'Admin', 10, subjectX + fromX('Accept'))),
    );
    assert.equal(canReach(withGnp, 'x/b', 'x/a'), true, 'the Admin Accept decides first for another pod');
    assert.equal(canReach(withGnp, 'x/a', 'x/a'), false, 'its own IP: Calico policy denies');
  });
});

describe('AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1)', () => {
  const anp = (priority: number, spec: string) => yaml`
    apiVersion: policy.networking.k8s.io/v1alpha1
    kind: AdminNetworkPolicy
    metadata:
      name: anp
    spec:
      priority: ${priority}
      ${spec}`;
  const banp = (name: string, spec: string) => yaml`
    apiVersion: policy.networking.k8s.io/v1alpha1
    kind: BaselineAdminNetworkPolicy
    metadata:
      name: ${name}
    spec:
      ${spec}`;

  it('map to kube-admin and kube-baseline', () => {
    const a = analyzeYaml(world(anp(3, subjectX + fromY('Deny').replace('from-y', 'no-y'))));
    assert.equal(canReach(a, 'y/a', 'x/a'), false);
    assert.match(trace(a, 'y/a', 'x/a'), /tier kube-admin: AdminNetworkPolicy anp \(order 3\) ingress rule 1 Deny/);
    const b = analyzeYaml(world(knpAllowAll, banp('default', subjectX + fromY('Deny'))));
    assert.equal(canReach(b, 'y/a', 'x/a'), true);
    const c = analyzeYaml(world(banp('default', subjectX + fromY('Deny'))));
    assert.equal(canReach(c, 'y/a', 'x/a'), false);
    assert.match(
      trace(c, 'y/a', 'x/a'),
      /tier kube-baseline: BaselineAdminNetworkPolicy default \(order 1000\) ingress rule 1 Deny/,
    );
  });

  it('v1alpha1 ports', () => {
    const body =
      subjectX +
      yaml`
        ingress:
        - action: Deny
          from:
          - namespaces: {}
          ports:
          - portNumber: {port: 81}
          - portRange: {protocol: UDP, start: 70, end: 90}
      `;
    const a = analyzeYaml(world(anp(1, body)));
    assert.equal(canReach(a, 'y/a', 'x/a', 81), false);
    assert.equal(canReach(a, 'y/a', 'x/a', 80, 'UDP'), false);
    assert.equal(canReach(a, 'y/a', 'x/a', 80), true);
  });

  it('a BaselineAdminNetworkPolicy must be named default and cannot Pass', () => {
    const f = lintYaml(banp('other', subjectX + fromY('Pass')));
    assert.ok(f.some((x) => /metadata.name="default"/.test(x.message)));
    assert.ok(f.some((x) => /"Pass" is not allowed; use "Allow" or "Deny"/.test(x.message)));
  });
});
