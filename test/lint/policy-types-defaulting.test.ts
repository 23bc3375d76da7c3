import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  analyzeYaml,
  assertFixWorks,
  canReach,
  lintYaml,
  oneFinding,
  spanned,
  yaml,
  ISOLATION_FINDINGS,
} from '../helpers';
import { docs, namespace, pod, policy } from '../manifests';

const world = [
  namespace('shop'),
  pod('shop/worker', { labels: { app: 'worker' } }),
  pod('shop/redis', { labels: { app: 'redis' } }),
];
const only = (text: string) => lintYaml(text).filter((f) => f.rule === 'policy-types-defaulting');

const EGRESS_ONLY = docs(
  ...world,
  policy(
    'shop/worker-out',
    yaml`
      podSelector: {matchLabels: {app: worker}}
      egress:
      - to: [{podSelector: {matchLabels: {app: redis}}}]
    `,
  ),
);

describe('lint: policy-types-defaulting', () => {
  it('flags an egress-only policy without policyTypes (it also denies all ingress), with a fix per reading', () => {
    const f = oneFinding(lintYaml(EGRESS_ONLY), 'policy-types-defaulting', /only egress rules and no policyTypes/);
    assert.equal(spanned(f), 'egress');
    assert.equal(canReach(analyzeYaml(EGRESS_ONLY), 'shop/redis', 'shop/worker'), false, 'the surprise');
    assert.deepEqual(
      f.fixes?.map((x) => [x.title, x.preferred]),
      [
        ['Set policyTypes: [Egress] (restrict egress only)', true],
        ['Set policyTypes: [Ingress, Egress] (also deny all ingress, as now)', false],
      ],
    );
    const [egressOnly] = assertFixWorks([EGRESS_ONLY], (x) => x.rule === 'policy-types-defaulting', {
      allowChanged: ISOLATION_FINDINGS,
    });
    assert.match(egressOnly, /\n {2}policyTypes: \[Egress\]\n {2}egress:\n/);
    assert.equal(canReach(analyzeYaml(egressOnly), 'shop/redis', 'shop/worker'), true);
    const [asNow] = assertFixWorks([EGRESS_ONLY], (x) => x.rule === 'policy-types-defaulting', {
      fix: 1,
      allowChanged: ISOLATION_FINDINGS,
    });
    assert.equal(canReach(analyzeYaml(asNow), 'shop/redis', 'shop/worker'), false);
  });

  it('flags `egress: []` without policyTypes, which denies nothing', () => {
    const text = docs(...world, policy('shop/deny-out', 'podSelector: {matchLabels: {app: worker}}\negress: []'));
    const f = oneFinding(lintYaml(text), 'policy-types-defaulting', /empty egress list and no policyTypes/);
    assert.deepEqual(f.tags, ['unnecessary']);
    assert.equal(canReach(analyzeYaml(text), 'shop/worker', 'shop/redis'), true);
    const [fixed] = assertFixWorks([text], (x) => x.rule === 'policy-types-defaulting', {
      allowChanged: ISOLATION_FINDINGS,
    });
    assert.equal(canReach(analyzeYaml(fixed), 'shop/worker', 'shop/redis'), false, 'now it denies all egress');
  });

  it('flags rules of a direction policyTypes leaves out, in flow and block lists', () => {
    const flow = docs(
      ...world,
      policy(
        'shop/worker',
        yaml`
          podSelector: {matchLabels: {app: worker}}
          policyTypes: [Ingress]
          ingress: []
          egress:
          - to: [{podSelector: {matchLabels: {app: redis}}}]
        `,
      ),
    );
    const f = oneFinding(lintYaml(flow), 'policy-types-defaulting', /has egress rules, but policyTypes \[Ingress\]/);
    assert.equal(f.fixes?.[0].title, 'Add Egress to policyTypes');
    const [fixed] = assertFixWorks([flow], (x) => x.rule === 'policy-types-defaulting', {
      allowChanged: ISOLATION_FINDINGS,
    });
    assert.match(fixed, /policyTypes: \[Ingress, Egress\]/);
    const block = flow.replace('policyTypes: [Ingress]', 'policyTypes:\n    - Ingress  # only this');
    const [fixedBlock] = assertFixWorks([block], (x) => x.rule === 'policy-types-defaulting', {
      allowChanged: ISOLATION_FINDINGS,
    });
    assert.match(fixedBlock, /policyTypes:\n {4}- Ingress {2}# only this\n {4}- Egress\n/);
    const ingressLeftOut = docs(
      ...world,
      policy('shop/w', 'podSelector: {}\npolicyTypes: [Egress]\ningress:\n- {}\negress: []'),
    );
    oneFinding(lintYaml(ingressLeftOut), 'policy-types-defaulting', /has ingress rules, but policyTypes \[Egress\]/);
  });

  it('says nothing of the usual forms: explicit types that match the rules, a default deny of ingress', () => {
    const text = docs(
      ...world,
      policy('shop/deny', 'podSelector: {}'),
      policy('shop/deny-all', 'podSelector: {}\npolicyTypes: [Ingress, Egress]'),
      policy('shop/in', 'podSelector: {}\ningress: [{from: [{podSelector: {}}]}]'),
      policy('shop/both', 'podSelector: {}\ningress: [{}]\negress: [{}]'),
      policy('shop/out', 'podSelector: {}\npolicyTypes: [Egress]\negress: [{}]'),
    );
    assert.deepEqual(only(text), []);
  });
});
