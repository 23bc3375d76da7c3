import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeYaml, canReach, lintYaml, oneFinding, spanned, yaml } from '../helpers';
import { docs, namespace, pod } from '../manifests';

const world = [
  namespace('shop'),
  pod('shop/api', { labels: { app: 'api' } }),
  pod('shop/db', { labels: { app: 'db' } }),
];
const gnp = (name: string, order: number, spec: string) => yaml`
  apiVersion: projectcalico.org/v3
  kind: GlobalNetworkPolicy
  metadata: {name: ${name}}
  spec:
    order: ${order}
    selector: all()
    types: [Ingress]
    ${spec.trim()}
`;
const only = (text: string) => lintYaml(text).filter((f) => f.rule === 'shadowed-rule');

describe('lint: shadowed-rule', () => {
  it('flags a Deny after a catch-all Allow in the same policy', () => {
    const text = docs(
      ...world,
      gnp(
        'allow-then-deny',
        10,
        yaml`
          ingress:
          - action: Allow
          - action: Deny
            source: {selector: app == 'api'}
        `,
      ),
    );
    const f = oneFinding(lintYaml(text), 'shadowed-rule', /never takes effect: rule 1 of the same policy/);
    assert.match(f.message, /matches every connection it matches and allows it first/);
    assert.match(spanned(f), /^action: Deny/);
    assert.deepEqual(f.tags, ['unnecessary']);
    assert.equal(canReach(analyzeYaml(text), 'shop/api', 'shop/db'), true, 'the Deny blocks nothing');
  });

  it('flags a rule of a later policy in the same tier behind an earlier catch-all Pass', () => {
    const text = docs(
      ...world,
      gnp('first', 10, 'ingress: [{action: Pass}]'),
      gnp('second', 20, "ingress: [{action: Deny, source: {selector: app == 'api'}}]"),
    );
    oneFinding(
      lintYaml(text),
      'shadowed-rule',
      /GlobalNetworkPolicy second\) never takes effect: ingress rule 1 of GlobalNetworkPolicy first, earlier in tier default, .* passes it to the next tier first/,
    );
  });

  it('says nothing when the earlier rule is narrower, comes later, or applies to fewer pods', () => {
    const text = docs(
      ...world,
      gnp('narrow', 10, "ingress: [{action: Allow, source: {selector: app == 'db'}}]"),
      gnp('deny-api', 20, "ingress: [{action: Deny, source: {selector: app == 'api'}}]"),
      gnp('allow-all-later', 30, 'ingress: [{action: Allow}]'),
      yaml`
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: db-only}
        spec:
          order: 5
          selector: app == 'db'
          types: [Ingress]
          ingress: [{action: Allow}]
      `,
    );
    assert.deepEqual(only(text), []);
  });
});
