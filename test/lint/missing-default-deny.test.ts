import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultDenyDocument, defaultDenyFix } from '../../server/src/lint/fixes/default-deny';
import { SourceFile } from '../../server/src/common/source';
import { analyzeYaml, assertFixWorks, ISOLATION_FINDINGS, lintYaml, spanned, yaml } from '../helpers';
import { docs, namespace, pod, policy } from '../manifests';

const ID = 'missing-default-deny';
const only = (...texts: string[]) => lintYaml(texts).filter((f) => f.rule === ID);
const DB_FROM_API = policy(
  'shop/db-from-api',
  yaml`
    podSelector: {matchLabels: {app: db}}
    ingress:
    - from: [{podSelector: {matchLabels: {app: api}}}]
  `,
);
const world = [namespace('shop'), pod('shop/api'), pod('shop/db'), pod('shop/web')];

describe('lint: missing-default-deny', () => {
  it('reports a namespace whose policies isolate some pods for ingress, on its first policy, naming the open pods', () => {
    const [f, ...rest] = only(docs(...world), DB_FROM_API);
    assert.equal(rest.length, 0, 'nothing isolates egress, so no egress finding');
    assert.equal(f.severity, 'warning');
    assert.equal(spanned(f), 'db-from-api');
    assert.match(
      f.message,
      /^Namespace shop has 1 ingress policy but no default-deny for ingress: it isolates 1 pod and leave 2 pods open to everything \(api, web\)/,
    );
  });

  it('adds a default-deny to the file of the policies, as a new document, and the finding goes away', () => {
    const fixed = assertFixWorks([docs(...world), DB_FROM_API], (x) => x.rule === ID, {
      allowChanged: ISOLATION_FINDINGS,
    });
    assert.equal(fixed.length, 2);
    assert.equal(
      fixed[1],
      `${DB_FROM_API}---\n# Denies all ingress of the pods in shop that no other policy allows.\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny-ingress\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes:\n  - Ingress\n`,
    );
  });

  it('reports egress separately, and picks a free name', () => {
    const egress = policy('shop/default-deny-egress', 'podSelector: {matchLabels: {app: api}}\npolicyTypes: [Egress]');
    const [f] = only(docs(...world, egress));
    assert.match(f.message, /^Namespace shop has 1 egress policy but no default-deny for egress/);
    assert.match(
      f.fixes![0].title,
      /Add NetworkPolicy shop\/default-deny-egress-2 \(deny egress by default, allow DNS\)/,
    );
    // The new default-deny allows DNS to every pod of shop, api included: its dns-blocked goes too.
    assertFixWorks([docs(...world, egress)], (x) => x.rule === ID, { allowChanged: ISOLATION_FINDINGS });
  });

  it('a default-deny for egress keeps DNS: applying it isolates the pods without blocking their name lookups', () => {
    const dns = yaml`
      apiVersion: v1
      kind: Pod
      metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
      spec: {containers: [{name: c, image: coredns, ports: [{containerPort: 53, protocol: UDP}, {containerPort: 53, protocol: TCP}]}]}
    `;
    // api's own egress policy forgets DNS: the namespace's new default-deny allows it for every pod.
    const egress = policy(
      'shop/api-out',
      'podSelector: {matchLabels: {app: api}}\npolicyTypes: [Egress]\negress: [{to: [{podSelector: {}}]}]',
    );
    const text = docs(...world, namespace('kube-system'), dns, egress);
    assert.equal(lintYaml(text).filter((x) => x.rule === 'dns-blocked').length, 1);
    const [fixed] = assertFixWorks([text], (x) => x.rule === ID, { allowChanged: ISOLATION_FINDINGS });
    assert.match(fixed, /policyTypes:\n {2}- Egress\n {2}egress:\n {2}- to:\n/);
    const after = lintYaml(fixed);
    assert.deepEqual(
      after.filter((x) => x.rule === 'dns-blocked'),
      [],
      'the new default-deny does not block DNS',
    );
  });

  it('is quiet with a default-deny, without policies, and when the policies isolate every pod', () => {
    assert.deepEqual(
      only(docs(...world, policy('shop/deny', 'podSelector: {}\npolicyTypes: [Ingress]')), DB_FROM_API),
      [],
    );
    assert.deepEqual(only(docs(...world)), []);
    assert.deepEqual(
      only(docs(namespace('shop'), pod('shop/db'), pod('shop/api', { labels: { app: 'db' } })), DB_FROM_API),
      [],
    );
  });

  it('the builder: a new document after a file without a final newline or with a trailing ---, or a new file', () => {
    const a = analyzeYaml(docs(...world));
    const noNewline = new SourceFile('p.yaml', 'kind: X');
    const fix = defaultDenyFix(a, 'shop', ['Ingress', 'Egress'], { file: noNewline });
    assert.equal(
      fix.edits[0].newText,
      `\n---\n${defaultDenyDocument(a, 'default-deny-all', 'shop', ['Ingress', 'Egress'])}`,
    );
    const trailing = new SourceFile('p.yaml', 'kind: X\n---\n');
    assert.equal(
      defaultDenyFix(a, 'shop', ['Ingress'], { file: trailing }).edits[0].newText,
      defaultDenyDocument(a, 'default-deny-ingress', 'shop', ['Ingress']),
    );
    const created = defaultDenyFix(a, 'shop', ['Ingress'], {
      sibling: new SourceFile('/repo/shop/app.yaml', '', 'file:///repo/shop/app.yaml'),
    });
    assert.deepEqual(created.edits, []);
    assert.equal(created.createFiles?.[0].path, '/repo/shop/shop-default-deny-ingress.yaml');
    assert.equal(created.createFiles?.[0].uri, 'file:///repo/shop/shop-default-deny-ingress.yaml');
  });
});
