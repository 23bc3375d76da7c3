/** What a rule admits on its own (engine/admission.ts), outside address classes, and the words for both. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeExternalClass, externalClasses } from '../../server/src/engine/address-classes';
import { admitsEveryExternalAddress, admitsEveryPort, allAdmissions } from '../../server/src/engine/admission';
import type { Analysis } from '../../server/src/engine/analysis';
import { describeAdmission, describePods, describePorts } from '../../server/src/engine/describe';
import { policyName } from '../../server/src/policy/rule-model';
import { analyzeYaml, yaml } from '../helpers';

const CLUSTER = yaml`
  apiVersion: v1
  kind: Namespace
  metadata: {name: shop, labels: {team: shop}}
  ---
  apiVersion: v1
  kind: Namespace
  metadata: {name: ops, labels: {team: ops}}
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: api, namespace: shop}
  spec:
    replicas: 3
    selector: {matchLabels: {app: api}}
    template:
      metadata: {labels: {app: api}}
      spec:
        containers:
          - name: api
            image: api
            ports: [{name: http, containerPort: 8080}]
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop}
  spec:
    replicas: 2
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec: {containers: [{name: web, image: web}]}
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: prom, namespace: ops}
  spec:
    replicas: 1
    selector: {matchLabels: {app: prom}}
    template:
      metadata: {labels: {app: prom}}
      spec: {containers: [{name: prom, image: prom}]}
`;

function policy(name: string, spec: string): string {
  const body = spec
    .trim()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
  return `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: shop}\nspec:\n${body}\n`;
}

function admissions(a: Analysis): Record<string, string> {
  const out: Record<string, string> = {};
  for (const adm of allAdmissions(a))
    out[`${policyName(adm.policy.ref)} ${adm.rule.direction} ${adm.rule.index + 1}`] = describeAdmission(a, adm);
  return out;
}

describe('engine: what a rule admits', () => {
  it('names the pods and the port of a narrow rule, by workload', () => {
    const a = analyzeYaml(
      CLUSTER +
        policy(
          'api',
          yaml`
            podSelector: {matchLabels: {app: api}}
            ingress:
              - from: [{podSelector: {matchLabels: {app: web}}}]
                ports: [{port: http}]
          `,
        ),
    );
    assert.deepEqual(admissions(a), {
      'NetworkPolicy shop/api ingress 1': 'admits 2 pods of Deployment shop/web: web-0, web-1 on TCP 8080',
    });
  });

  it("resolves an egress rule's named port on the destination pods, not on the policy's own", () => {
    // shop/web declares no port: the name "http" stands for shop/api's 8080 only.
    const a = analyzeYaml(
      CLUSTER +
        policy(
          'web',
          yaml`
            podSelector: {matchLabels: {app: web}}
            egress:
              - to: [{namespaceSelector: {}}]
                ports: [{port: http}]
          `,
        ),
    );
    assert.deepEqual(admissions(a), {
      'NetworkPolicy shop/web egress 1': 'admits to 3 pods of Deployment shop/api: api-0, api-1, api-2 on TCP 8080',
    });
  });

  it('counts a rule open to every namespace and the internet on every port', () => {
    const a = analyzeYaml(
      CLUSTER +
        policy(
          'open',
          yaml`
            podSelector: {}
            ingress:
              - from: [{namespaceSelector: {}}, {ipBlock: {cidr: 0.0.0.0/0}}]
          `,
        ),
    );
    const [adm] = allAdmissions(a);
    assert.ok(admitsEveryPort(adm));
    assert.ok(admitsEveryExternalAddress(a, adm));
    assert.equal(
      describeAdmission(a, adm),
      'admits every pod in the cluster (6 in 2 namespaces) and every address outside the cluster on every port',
    );
  });

  it('leaves out the addresses an except removes, and says which', () => {
    const a = analyzeYaml(
      CLUSTER +
        policy(
          'egress',
          yaml`
            podSelector: {matchLabels: {app: api}}
            policyTypes: [Egress]
            egress:
              - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32, 10.0.0.0/8]}}]
                ports: [{port: 443}]
          `,
        ),
    );
    const [adm] = allAdmissions(a);
    assert.ok(!admitsEveryExternalAddress(a, adm));
    const named = adm.externalClasses.map(describeExternalClass);
    assert.ok(!named.some((n) => n.includes('metadata')), named.join('; '));
    assert.ok(
      named.some((n) => n.startsWith('internet addresses')),
      named.join('; '),
    );
    assert.deepEqual(
      adm.peerClasses,
      [],
      'pod addresses are in 10.0.0.0/8 here? no: flannel pods are 10.244.x, excepted',
    );
    assert.equal(describePorts(adm.ports), 'TCP 443');
  });

  it('matches every port but the ones a Calico notPorts names', () => {
    const a = analyzeYaml(
      `${CLUSTER}---\n${yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: most, namespace: shop}
        spec:
          selector: app == 'api'
          ingress:
            - action: Allow
              protocol: TCP
              source: {selector: app == 'prom', namespaceSelector: all()}
              destination: {notPorts: [22, 8000:8999]}
      `}`,
    );
    const [adm] = allAdmissions(a);
    assert.equal(describePorts(adm.ports), 'TCP 1-21, 23-7999, 9000-65535');
    assert.equal(
      describePods(
        a,
        adm.peerClasses.flatMap((c) => c.members),
      ),
      'pod ops/prom-0'.replace('pod ops/prom-0', '1 pod of Deployment ops/prom: prom-0'),
    );
  });

  it('cuts the outside world at every CIDR policy mentions, and never picks a pod or node address', () => {
    const a = analyzeYaml(
      CLUSTER +
        policy(
          'cidrs',
          yaml`
            podSelector: {}
            ingress:
              - from: [{ipBlock: {cidr: 203.0.113.0/24}}, {ipBlock: {cidr: 10.244.0.0/16}}]
          `,
        ),
    );
    const podIps = new Set(a.endpoints.flatMap((e) => e.ips.map((ip) => ip.text)));
    const classes = externalClasses(a);
    for (const c of classes) assert.ok(!podIps.has(c.endpoint.id), `${c.endpoint.id} is a pod's`);
    assert.ok(classes.some((c) => c.tags.has('metadata')));
    assert.ok(classes.some((c) => c.tags.has('pod-network')));
    const [adm] = allAdmissions(a);
    assert.ok(adm.peerClasses.length > 0, 'the pod network block admits the pods');
    assert.ok(adm.externalClasses.some((c) => c.endpoint.id.startsWith('203.0.113.')));
  });
});
