/** The least-privilege generator: from dependencies and intents, not from what policy allows today. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceFile } from '../../server/src/common/source';
import { analyzeSources } from '../../server/src/engine/analysis';
import { leastPrivilegeCheck, leastPrivilegePolicy } from '../../server/src/ide/generate-policy';
import { lint } from '../../server/src/lint';
import { client, service } from '../dependency-fixtures';
import { yaml } from '../helpers';
import { networkIntent } from '../intent-fixtures';
import { docs, namespace, pod } from '../manifests';

// frontend -> api by env (a dependency); api -> postgres by an intent; ops/debug can reach everything today;
// CoreDNS in kube-system.
const text = docs(
  namespace('shop'),
  namespace('ops'),
  service('shop/api', 'api', '[{port: 80, targetPort: 8080}]'),
  client('shop/api', '', 'ports: [{containerPort: 8080}]'),
  client('shop/frontend', 'env: [{name: API_URL, value: "http://api/v1"}]'),
  pod('shop/postgres', { labels: { app: 'postgres' }, ports: [{ port: 5432 }] }),
  pod('ops/debug', { labels: { app: 'debug' } }),
  namespace('kube-system'),
  pod('kube-system/coredns', {
    labels: { 'k8s-app': 'kube-dns' },
    ports: [
      { port: 53, protocol: 'UDP' },
      { port: 53, protocol: 'TCP' },
    ],
  }),
  networkIntent(
    'shop/shop',
    yaml`
      - name: api-reaches-postgres
        from: {workload: Deployment/api}
        to: {podSelector: {matchLabels: {app: postgres}}}
        ports: [{port: 5432}]
        expect: allow
    `,
  ),
);
const files = [new SourceFile('m0.yaml', text)];
const a = analyzeSources(files);
const apiPods = a.endpoints.flatMap((e, i) => (e.pod?.workload?.name === 'api' ? [i] : []));
const withPolicy = (content: string) => analyzeSources([...files, new SourceFile('lp.yaml', content)]);

describe('ide: least-privilege policy', () => {
  it('admits the dependency’s clients and reaches the intent’s destination and DNS, nothing else', () => {
    const { content, plan } = leastPrivilegePolicy(a, apiPods, 'kubernetes');
    assert.equal(plan.owner, 'Deployment shop/api');
    assert.match(
      content,
      /^# Least privilege for Deployment shop\/api: .* \(1 ingress rule and 2 egress rules\)\.\n# {3}ingress 1: env API_URL of Deployment shop\/frontend\n# {3}egress 1: intent api-reaches-postgres\n# {3}egress 2: DNS\n/,
    );
    assert.match(
      content,
      /spec:\n {2}podSelector:\n {4}matchLabels:\n {6}app: api\n {2}policyTypes:\n {2}- Ingress\n {2}- Egress\n {2}ingress:\n {2}- from:\n {4}- podSelector:\n {8}matchLabels:\n {10}app: frontend\n {4}ports:\n {4}- protocol: TCP\n {6}port: 8080\n {2}egress:\n {2}- to:\n {4}- podSelector:\n {8}matchLabels:\n {10}app: postgres\n {4}ports:\n {4}- protocol: TCP\n {6}port: 5432\n {2}- to:\n {4}- namespaceSelector:\n {8}matchLabels:\n {10}kubernetes.io\/metadata.name: kube-system\n {6}podSelector:\n {8}matchLabels:\n {10}k8s-app: kube-dns\n/,
    );
    const after = withPolicy(content);
    assert.deepEqual(leastPrivilegeCheck(a, after), []);
    // Today's extra access (ops/debug -> api) is cut: the generator does not copy what is allowed now.
    const debug = after.engine.indexOf('ops/debug')!;
    const api = after.engine.indexOf(a.endpoints[apiPods[0]].id)!;
    assert.equal(a.engine.allowed(debug, apiPods[0], 'TCP', 8080), true);
    assert.equal(after.engine.allowed(debug, api, 'TCP', 8080), false);
    // A policy for one workload leaves the namespace without a default-deny: that finding is expected.
    const problems = lint(after).filter(
      (f) => f.span.file.path === 'lp.yaml' && f.severity !== 'info' && f.rule !== 'missing-default-deny',
    );
    assert.deepEqual(
      problems.map((f) => `${f.rule}: ${f.message}`),
      [],
    );
  });

  it('writes the same as a Calico NetworkPolicy, which the analysis reads without problems and which keeps what is needed', () => {
    const { content } = leastPrivilegePolicy(a, apiPods, 'calico');
    assert.match(
      content,
      /apiVersion: projectcalico.org\/v3\nkind: NetworkPolicy\nmetadata:\n {2}name: api-least-privilege\n/,
    );
    assert.match(
      content,
      /selector: "app == 'api'"\n {2}types:\n {2}- Ingress\n {2}- Egress\n {2}ingress:\n {2}- action: Allow\n {4}protocol: TCP\n {4}source:\n {6}selector: "app == 'frontend'"\n {4}destination:\n {6}ports: \[8080\]\n/,
    );
    assert.match(
      content,
      /- action: Allow\n {4}protocol: UDP\n {4}destination:\n {6}selector: "k8s-app == 'kube-dns'"\n {6}namespaceSelector: "projectcalico.org\/name == 'kube-system'"\n {6}ports: \[53\]\n/,
    );
    const after = withPolicy(content);
    assert.deepEqual(leastPrivilegeCheck(a, after), []);
    // A policy for one workload leaves the namespace without a default-deny: that finding is expected.
    const problems = lint(after).filter(
      (f) => f.span.file.path === 'lp.yaml' && f.severity !== 'info' && f.rule !== 'missing-default-deny',
    );
    assert.deepEqual(
      problems.map((f) => `${f.rule}: ${f.message}`),
      [],
    );
  });

  it('the check names what a policy would break', () => {
    const deny = yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: deny, namespace: shop}
      spec: {podSelector: {}, policyTypes: [Ingress]}
    `;
    assert.deepEqual(leastPrivilegeCheck(a, withPolicy(deny)), [
      'Deployment shop/frontend -> Service shop/api (env API_URL)',
      'intent api-reaches-postgres',
    ]);
  });
});
