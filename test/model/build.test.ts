import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SourceFile } from '../../server/src/common/source';
import { buildCluster, buildClusterFromSources } from '../../server/src/model/build';
import { discoverManifests, readSourceFile } from '../../server/src/yaml/discover';
import { parseFile, parseFiles } from '../../server/src/yaml/parse-yaml';
import { conformanceDir, ROOT, spanned, where, yaml } from '../helpers';

const build = (...texts: string[]) => buildCluster(texts.map((t, i) => parseFile(new SourceFile(`m${i}.yaml`, t))));
const ids = (c: ReturnType<typeof build>) => c.pods.map((p) => p.id);

const deployment = (name: string, extra = '', ns = 'shop') => yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: ${name}, namespace: ${ns}}
  spec:
    ${extra}
    selector: {matchLabels: {app: ${name}}}
    template:
      metadata: {labels: {app: ${name}}}
      spec:
        containers: [{name: c, image: x}]
`;

describe('model stage: workloads expand into pods', () => {
  it('names pods stably per kind and counts replicas', () => {
    const c = build(
      [
        deployment('web', 'replicas: 3'),
        deployment('one'),
        yaml`
          apiVersion: apps/v1
          kind: StatefulSet
          metadata: {name: db, namespace: shop}
          spec:
            replicas: 2
            selector: {matchLabels: {app: db}}
            template: {metadata: {labels: {app: db}}, spec: {containers: [{name: c, image: x}]}}
          ---
          apiVersion: batch/v1
          kind: Job
          metadata: {name: migrate, namespace: shop}
          spec:
            parallelism: 4
            completions: 2
            template: {metadata: {labels: {job: migrate}}, spec: {containers: [{name: c, image: x}]}}
          ---
          apiVersion: batch/v1
          kind: CronJob
          metadata: {name: nightly, namespace: shop}
          spec:
            schedule: "0 1 * * *"
            jobTemplate: {spec: {template: {metadata: {labels: {job: nightly}}, spec: {containers: [{name: c, image: x}]}}}}
          ---
          apiVersion: v1
          kind: ReplicationController
          metadata: {name: legacy, namespace: shop}
          spec:
            replicas: 0
            template: {metadata: {labels: {app: legacy}}, spec: {containers: [{name: c, image: x}]}}
        `,
      ].join('---\n'),
    );
    assert.deepEqual(ids(c), [
      'shop/db-0',
      'shop/db-1',
      'shop/migrate-0',
      'shop/migrate-1',
      'shop/nightly-0',
      'shop/one-0',
      'shop/web-0',
      'shop/web-1',
      'shop/web-2',
    ]);
    assert.deepEqual(c.findings, []);
    const web = c.pods.find((p) => p.id === 'shop/web-1')!;
    assert.equal(web.labels.app, 'web');
    assert.equal(web.workload?.kind, 'Deployment');
    assert.equal(web.spec.serviceAccount, 'default');
  });

  it('runs a DaemonSet on every eligible node, honouring nodeSelector and taints', () => {
    const c = build(yaml`
      apiVersion: v1
      kind: Node
      metadata: {name: cp, labels: {role: cp}}
      spec: {taints: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]}
      ---
      apiVersion: v1
      kind: Node
      metadata: {name: w1, labels: {disk: ssd}}
      ---
      apiVersion: v1
      kind: Node
      metadata: {name: w2}
      ---
      apiVersion: apps/v1
      kind: DaemonSet
      metadata: {name: agent, namespace: kube-system}
      spec:
        selector: {matchLabels: {app: agent}}
        template: {metadata: {labels: {app: agent}}, spec: {containers: [{name: c, image: x}]}}
      ---
      apiVersion: apps/v1
      kind: DaemonSet
      metadata: {name: everywhere, namespace: kube-system}
      spec:
        selector: {matchLabels: {app: e}}
        template:
          metadata: {labels: {app: e}}
          spec:
            tolerations: [{operator: Exists}]
            containers: [{name: c}]
      ---
      apiVersion: apps/v1
      kind: DaemonSet
      metadata: {name: ssd-only, namespace: kube-system}
      spec:
        selector: {matchLabels: {app: s}}
        template: {metadata: {labels: {app: s}}, spec: {nodeSelector: {disk: ssd}, containers: [{name: c}]}}
    `);
    assert.deepEqual(ids(c), [
      'kube-system/agent-w1',
      'kube-system/agent-w2',
      'kube-system/everywhere-cp',
      'kube-system/everywhere-w1',
      'kube-system/everywhere-w2',
      'kube-system/ssd-only-w1',
    ]);
    assert.ok(c.pods.every((p) => p.placement === 'daemonset'));
  });

  it('uses the default node set when nothing names a node, and spreads pods over it', () => {
    const c = build(deployment('web', 'replicas: 4'));
    assert.deepEqual(
      c.nodes.map((n) => [n.name, n.origin]),
      [
        ['node-1', 'default'],
        ['node-2', 'default'],
        ['node-3', 'default'],
      ],
    );
    assert.deepEqual(
      c.pods.map((p) => p.node),
      ['node-1', 'node-2', 'node-3', 'node-1'],
    );
  });

  it('reports pods no node fits, at the nodeSelector', () => {
    const text = deployment('db').replace('containers:', 'nodeSelector: {disk: nvme}\n      containers:');
    const c = build(
      text,
      yaml`
        apiVersion: v1
        kind: Node
        metadata: {name: w1}
      `,
    );
    assert.equal(c.pods[0].placement, 'unschedulable');
    assert.equal(c.pods[0].node, undefined);
    assert.deepEqual(c.findings.map(where), ['unschedulable@10:21']);
    assert.equal(spanned(c.findings[0]), '{disk: nvme}');
  });

  it('does not expand a workload whose pods are in the workspace (kubectl get -o yaml dumps)', () => {
    const c = build(
      deployment('web', 'replicas: 2'),
      yaml`
        apiVersion: v1
        kind: List
        items:
        - apiVersion: apps/v1
          kind: ReplicaSet
          metadata:
            name: web-7d9c
            namespace: shop
            ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, controller: true}]
          spec:
            replicas: 2
            selector: {matchLabels: {app: web}}
            template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: x}]}}
        - apiVersion: v1
          kind: Pod
          metadata:
            name: web-7d9c-abcde
            namespace: shop
            labels: {app: web}
            ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7d9c, controller: true}]
          spec: {nodeName: n1, containers: [{name: c}]}
          status: {podIP: 10.244.1.7}
      `,
    );
    assert.deepEqual(ids(c), ['shop/web-7d9c-abcde']);
    assert.deepEqual(c.pods[0].statusIPs, ['10.244.1.7']);
  });
});

describe('model stage: namespaces, duplicates, unknown kinds', () => {
  it('creates used namespaces implicitly and labels every namespace with its name', () => {
    const c = build(
      deployment('web'),
      yaml`
        apiVersion: v1
        kind: Namespace
        metadata: {name: other, labels: {team: a}}
      `,
    );
    assert.deepEqual([...c.namespaces.keys()], ['other', 'shop']);
    assert.deepEqual(c.namespaces.get('shop')!.labels, { 'kubernetes.io/metadata.name': 'shop' });
    assert.deepEqual(c.namespaces.get('other')!.labels, { team: 'a', 'kubernetes.io/metadata.name': 'other' });
    assert.equal(c.namespaces.get('shop')!.meta, undefined);
  });

  it('puts objects without a namespace in default', () => {
    const c = build(yaml`
      apiVersion: v1
      kind: Pod
      metadata: {name: p}
      spec: {containers: [{name: c, image: x}]}
    `);
    assert.deepEqual(ids(c), ['default/p']);
  });

  it('keeps the later of two identical objects, and says so at the earlier one', () => {
    const c = build(deployment('web', 'replicas: 1'), deployment('web', 'replicas: 2'));
    assert.deepEqual(ids(c), ['shop/web-0', 'shop/web-1']);
    assert.deepEqual(c.findings.map(where), ['duplicate-object@3:18']);
    assert.equal(c.findings[0].span.file.path, 'm0.yaml');
    assert.match(c.findings[0].message, /defined again later \(m1\.yaml:3\)/);
  });

  it('tells duplicates by group, kind, namespace and name, and reads a `|` in a name as before', () => {
    const service = (ns: string, name: string) => yaml`
      apiVersion: v1
      kind: Service
      metadata: {name: "${name}", namespace: "${ns}"}
    `;
    const configMap = (ns: string, name: string) => yaml`
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: ${name}, namespace: ${ns}}
    `;
    const c = build(
      service('a', 'x'),
      configMap('a', 'x'),
      service('b', 'x'),
      service('a', 'x'),
      // The identity text of these two is the same (a|b|c): they were, and are, duplicates.
      service('a|b', 'c'),
      service('a', 'b|c'),
    );
    assert.deepEqual(
      c.findings.filter((f) => f.rule === 'duplicate-object').map((f) => `${where(f)} ${f.span.file.path}`),
      ['duplicate-object@3:18 m0.yaml', 'duplicate-object@3:18 m4.yaml'],
    );
  });

  it('ignores unknown kinds and non-Kubernetes YAML quietly', () => {
    const c = build(
      yaml`
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w}
        ---
        name: ci
        on: [push]
        ---
        - a
        - b
      `,
    );
    assert.deepEqual(c.findings, []);
    assert.equal(c.objects.length, 0);
  });

  it('reports a known kind without apiVersion', () => {
    const c = build(yaml`
      kind: Deployment
      metadata: {name: x}
    `);
    assert.deepEqual(c.findings.map(where), ['invalid-field@1:1']);
    assert.match(c.findings[0].message, /required field `apiVersion`/);
  });

  it('reports wrong shapes at the offending field and keeps reading', () => {
    const c = build(deployment('web', 'replicas: three'));
    assert.equal(c.findings.length, 1);
    assert.equal(spanned(c.findings[0]), 'three');
    assert.deepEqual(ids(c), ['shop/web-0']);
  });

  it('rejects a Deployment whose selector does not match its template labels', () => {
    const c = build(deployment('web').replace('matchLabels: {app: web}', 'matchLabels: {app: webb}'));
    assert.equal(c.findings[0].rule, 'invalid-field');
    assert.match(c.findings[0].message, /does not match the pod template's labels/);
    assert.equal(spanned(c.findings[0]), 'app: webb');
  });

  it('reads named container ports with their protocol', () => {
    const c = build(
      deployment('dns').replace(
        'containers: [{name: c, image: x}]',
        'containers: [{name: c, ports: [{name: dns, containerPort: 53, protocol: UDP}, {name: dns-tcp, containerPort: 53}]}]',
      ),
    );
    assert.deepEqual(
      c.pods[0].spec.ports.map((p) => [p.name, p.containerPort, p.protocol]),
      [
        ['dns', 53, 'UDP'],
        ['dns-tcp', 53, 'TCP'],
      ],
    );
  });
});

describe('model stage: the CLI reads each file as it parses it', () => {
  it('builds the same cluster as parsing every file first (examples/ and every conformance case)', () => {
    const paths = [
      join(ROOT, 'examples'),
      ...['netpol', 'calico', 'cnp'].flatMap((part) =>
        readdirSync(conformanceDir(part)).map((c) => join(conformanceDir(part), c)),
      ),
    ];
    for (const path of paths) {
      const sources = discoverManifests([path]).files.map(readSourceFile);
      assert.deepStrictEqual(buildClusterFromSources(sources), buildCluster(parseFiles(sources)), path);
    }
  });
});
