import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeYaml, assertFixWorks, canReach, lintYaml, spanned, yaml } from '../helpers';
import { docs, namespace, pod, policy } from '../manifests';

const ID = 'calico-allow-overrides-policy';
const only = (text: string) => lintYaml(text).filter((f) => f.rule === ID);
const world = [
  namespace('shop'),
  namespace('monitoring'),
  pod('shop/db', { labels: { app: 'db' }, ports: [{ name: 'pg', port: 5432 }] }),
  pod('shop/api', { labels: { app: 'api' } }),
  pod('monitoring/prom', { labels: { app: 'prom' } }),
];
/** shop's own policy: the database admits only the api. */
const DB_FROM_API = policy(
  'shop/db-from-api',
  yaml`
    podSelector: {matchLabels: {app: db}}
    ingress:
    - from: [{podSelector: {matchLabels: {app: api}}}]
      ports: [{port: 5432}]
  `,
);
const gnp = (name: string, order: number, rules: string) => yaml`
  apiVersion: projectcalico.org/v3
  kind: GlobalNetworkPolicy
  metadata: {name: ${name}}
  spec:
    order: ${order}
    selector: app == 'db'
    types: [Ingress]
    ingress:
    ${rules.trim()}
`;

describe('lint: calico-allow-overrides-policy', () => {
  it('warns on a GlobalNetworkPolicy Allow that admits what the namespace policy denies, naming both sides', () => {
    const text = docs(
      ...world,
      DB_FROM_API,
      gnp('allow-prometheus', 100, "- action: Allow\n  source: {selector: app == 'prom'}"),
    );
    const findings = only(text);
    assert.equal(findings.length, 1);
    const [f] = findings;
    assert.equal(f.severity, 'warning');
    assert.match(
      f.message,
      /^Rule ingress\[0\] of GlobalNetworkPolicy allow-prometheus \(tier default, order 100\) allows 1 pod pair on every TCP port, every UDP port, every SCTP port that the NetworkPolicies of namespace shop deny \(NetworkPolicy shop\/db-from-api\): monitoring\/prom → shop\/db\./,
    );
    assert.match(spanned(f), /^action: Allow/);
    assert.deepEqual(
      f.related?.map((r) => r.message),
      ['NetworkPolicy shop/db-from-api isolates these pods for ingress and does not admit the connections'],
    );
  });

  it('counts the pod pairs first and names a few', () => {
    const text = docs(
      ...world,
      pod('shop/db-2', { labels: { app: 'db' } }),
      pod('monitoring/prom-2', { labels: { app: 'prom' } }),
      pod('monitoring/prom-3', { labels: { app: 'prom' } }),
      DB_FROM_API,
      gnp('allow-prometheus', 100, "- action: Allow\n  source: {selector: app == 'prom'}"),
    );
    const [f] = only(text);
    assert.match(
      f.message,
      /allows 6 pod pairs on .* \(NetworkPolicy shop\/db-from-api\): monitoring\/prom → shop\/db, monitoring\/prom → shop\/db-2, monitoring\/prom-2 → shop\/db and more\./,
    );
  });

  it('says nothing when the namespace policy also allows what the Calico rule allows', () => {
    const text = docs(
      ...world,
      DB_FROM_API,
      gnp(
        'allow-api',
        100,
        "- action: Allow\n  source: {selector: app == 'api'}\n  protocol: TCP\n  destination: {ports: [5432]}",
      ),
    );
    assert.deepEqual(only(text), []);
    assert.ok(!lintYaml(text).some((f) => f.rule === 'policy-not-simulated'), 'the Calico policy is simulated');
  });

  it('says nothing for a Pass, a Deny, or a namespace without its own policy', () => {
    assert.deepEqual(only(docs(...world, DB_FROM_API, gnp('pass-all', 100, '- action: Pass'))), []);
    assert.deepEqual(only(docs(...world, DB_FROM_API, gnp('deny-all', 100, '- action: Deny'))), []);
    assert.deepEqual(only(docs(...world, gnp('allow-all', 100, '- action: Allow'))), []);
  });

  it('explains a later Calico policy of the same tier: the namespace policy does not match, so it decides', () => {
    const text = docs(
      ...world,
      DB_FROM_API,
      gnp('allow-later', 2000, "- action: Allow\n  source: {selector: app == 'prom'}"),
    );
    const [f] = only(text);
    assert.match(
      f.message,
      /allows 1 pod pair on every TCP port, every UDP port, every SCTP port that the NetworkPolicies/,
    );
    assert.match(f.message, /leaves the decision to the next policy of its tier/);
  });

  it('warns on an Allow in an earlier tier, decided before the namespace policy is reached', () => {
    const text = docs(
      ...world,
      DB_FROM_API,
      yaml`
        apiVersion: projectcalico.org/v3
        kind: Tier
        metadata: {name: platform}
        spec: {order: 100}
      `,
      gnp(
        'platform.allow-prometheus',
        10,
        "- action: Allow\n  source: {selector: app == 'prom'}\n  protocol: TCP\n  destination: {ports: [5432]}\n- action: Pass",
      ).replace('order: 10', 'tier: platform\n  order: 10'),
    );
    const [f] = only(text);
    assert.match(f.message, /\(tier platform, order 10\) allows 1 pod pair on TCP\/5432 that/);
    assert.match(f.message, /Calico decides ingress to these pods before the namespace's policies are reached/);
  });

  const PLATFORM_TIER = yaml`
    apiVersion: projectcalico.org/v3
    kind: Tier
    metadata: {name: platform}
    spec: {order: 100, defaultAction: Pass}
  `;
  /** Other findings the fixes legitimately change: how open the pods are. */
  const OPENNESS = / (non-isolated-pods|rule-open-to-everything|sensitive-port-exposed|missing-default-deny) /;

  it('counts the outside world too: a GlobalNetworkPolicy Allow from anywhere', () => {
    const text = docs(...world, DB_FROM_API, gnp('allow-anyone', 100, '- action: Allow'));
    const [f] = only(text);
    assert.match(
      f.message,
      /allows 2 pod pairs and connections from every address outside the cluster to pod shop\/db on every TCP port, every UDP port, every SCTP port that the NetworkPolicies of namespace shop deny \(NetworkPolicy shop\/db-from-api\): monitoring\/prom → shop\/db, shop\/api → shop\/db\./,
    );
    const outsideOnly = docs(
      ...world,
      DB_FROM_API,
      gnp('allow-internet', 100, '- action: Allow\n  source: {nets: [203.0.113.0/24]}'),
    );
    const [g] = only(outsideOnly);
    assert.match(
      g.message,
      /allows connections from internet addresses \(e\.g\. 203\.0\.113\.0\) to pod shop\/db on every TCP port, every UDP port, every SCTP port that the NetworkPolicies of namespace shop deny \(NetworkPolicy shop\/db-from-api\)\. Calico decides/,
    );
  });

  it('in an earlier tier, the fix makes the Allow Pass, so the namespace policy decides', () => {
    const text = docs(
      ...world,
      DB_FROM_API,
      PLATFORM_TIER,
      gnp('platform.allow-prometheus', 10, "- action: Allow\n  source: {selector: app == 'prom'}").replace(
        'order: 10',
        'tier: platform\n  order: 10',
      ),
    );
    const [f] = only(text);
    assert.match(f.message, /Make the rule Pass so that the next tier's policies \(the namespace's\) decide/);
    assert.equal(canReach(analyzeYaml(text), 'monitoring/prom', 'shop/db', 5432), true);
    const [fixed] = assertFixWorks([text], (x) => x.rule === ID, { allowChanged: OPENNESS });
    assert.match(fixed, /ingress:\n {2}- action: Pass\n {4}source: \{selector: app == 'prom'\}/);
    assert.equal(canReach(analyzeYaml(fixed), 'monitoring/prom', 'shop/db', 5432), false);
    assert.equal(canReach(analyzeYaml(fixed), 'shop/api', 'shop/db', 5432), true);
  });

  it('in the namespace’s own tier, the fix leaves its pods out of the rule (a Pass would skip its policies)', () => {
    const text = docs(
      ...world,
      DB_FROM_API,
      gnp('allow-prometheus', 100, "- action: Allow\n  source: {selector: app == 'prom'}"),
    );
    const [f] = only(text);
    assert.match(f.message, /a Pass would not help here: it skips the rest of tier default/);
    const [fixed] = assertFixWorks([text], (x) => x.rule === ID, { allowChanged: OPENNESS });
    assert.match(
      fixed,
      /ingress:\n {2}- destination:\n {6}notSelector: "projectcalico\.org\/namespace == 'shop'"\n {4}action: Allow\n/,
    );
    assert.equal(canReach(analyzeYaml(fixed), 'monitoring/prom', 'shop/db', 5432), false);
    // Flow style, and a side that already has a notSelector: OR-ed with it.
    const flow = docs(
      ...world,
      DB_FROM_API,
      gnp(
        'allow-prometheus',
        100,
        "- {action: Allow, source: {selector: app == 'prom'}, destination: {notSelector: app == 'cache'}}",
      ),
    );
    const [fixedFlow] = assertFixWorks([flow], (x) => x.rule === ID, { allowChanged: OPENNESS });
    assert.match(
      fixedFlow,
      /destination: \{notSelector: "\(app == 'cache'\) \|\| projectcalico\.org\/namespace == 'shop'"\}\}/,
    );
  });
});
