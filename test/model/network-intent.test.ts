import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeYaml, lintYaml, spanned, where, yaml } from '../helpers';
import { networkIntent } from '../intent-fixtures';

const reading = (text: string) =>
  lintYaml(text).filter((f) => f.rule === 'invalid-field' || f.rule === 'unknown-field');

describe('model: NetworkIntent', () => {
  it('reads the schema of the contract, with spans', () => {
    const a = analyzeYaml(
      networkIntent(
        'shop/shop',
        yaml`
          - name: frontend-calls-api
            from: {workload: Deployment/frontend}
            to: {podSelector: {matchLabels: {app: api}}}
            ports: [{port: 8080, protocol: TCP}]
            expect: allow
          - name: nothing-outside
            from: {ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}
            to: {selector: "app == 'db'", namespaceSelector: "team == 'x'"}
            expect: deny
          - name: ns-peer
            from: {namespace: monitoring}
            to: {workload: StatefulSet/postgres, namespace: data}
            ports: [{port: http}, {port: 9000, endPort: 9100, protocol: UDP}]
            expect: allow
        `,
        true,
      ),
    );
    assert.deepEqual(a.cluster.findings, []);
    const [set] = a.cluster.intents;
    assert.equal(set.meta.namespace, 'shop');
    assert.equal(set.complete, true);
    assert.deepEqual(
      set.intents.map((i) => i.name.value),
      ['frontend-calls-api', 'nothing-outside', 'ns-peer'],
    );
    const [first, second, third] = set.intents;
    assert.deepEqual(first.from.workload && { kind: first.from.workload.kind, name: first.from.workload.name }, {
      kind: 'Deployment',
      name: 'frontend',
    });
    assert.equal(first.from.namespace, 'shop');
    assert.deepEqual(first.to.podSelector?.matchLabels, { app: 'api' });
    assert.equal(first.expect.value, 'allow');
    assert.equal(spanned({ span: first.expect.span } as never), 'allow');
    assert.equal(second.from.ipBlock?.cidr.value, '0.0.0.0/0');
    assert.equal(second.to.selector?.value, "app == 'db'");
    assert.equal(second.to.calicoNamespaceSelector?.value, "team == 'x'");
    assert.equal(third.from.namespace, 'monitoring');
    assert.equal(third.to.namespace, 'data');
    assert.equal(third.ports?.[1].endPort?.value, 9100);
  });

  it('reports wrong shapes at the field and leaves the intent out', () => {
    const text = networkIntent(
      'shop/shop',
      yaml`
        - name: a
          from: {workload: deployment/frontend}
          to: {workload: Deployment/api, ipBlock: {cidr: 0.0.0.0/0}}
          expect: Allow
        - name: a
          from: {workload: frontend}
          to: {podSelector: {}, namespace: x, namespaceSelector: {}}
          expect: deny
        - name: b
          from: {}
          expect: allow
          prots: []
      `,
    );
    const findings = reading(text);
    const lines = findings.map((f) => `${where(f)} ${f.message}`);
    const expected = [
      /"deployment" is not a workload kind; use Deployment \(kinds are case-sensitive\)/,
      /exactly one of workload, podSelector\/namespaceSelector, selector or ipBlock; this one has workload and ipBlock/,
      /expect: "Allow" is not an expectation; use allow or deny \(lower case: allow\)/,
      /write Kind\/name, e.g. Deployment\/frontend/,
      /give namespace or namespaceSelector, not both/,
      /an endpoint needs one of workload/,
      /required field `to` is missing/,
      /`prots` is not a field of an intent; did you mean `ports`\?/,
    ];
    for (const e of expected)
      assert.ok(
        lines.some((l) => e.test(l)),
        `${e} not in:\n${lines.join('\n')}`,
      );
    assert.equal(analyzeYaml(text).cluster.intents[0].intents.length, 0);
    // The position of one: the workload value.
    const kind = findings.find((f) => /not a workload kind/.test(f.message))!;
    assert.equal(spanned(kind), 'deployment/frontend');
  });

  it('reports a duplicate intent name at the second one, and a wrong apiVersion', () => {
    const dup = reading(
      networkIntent(
        'shop/shop',
        yaml`
          - {name: a, from: {namespace: x}, to: {namespace: y}, expect: deny}
          - {name: a, from: {namespace: x}, to: {namespace: y}, expect: deny}
        `,
      ),
    );
    assert.equal(dup.length, 1);
    assert.match(dup[0].message, /already named "a"/);
    assert.equal(where(dup[0]), 'invalid-field@8:12');
    const version = reading(
      yaml`
        apiVersion: netpol.studio/v1
        kind: NetworkIntent
        metadata: {name: x}
        spec: {intents: []}
      `,
    );
    assert.match(version[0].message, /served as netpol.studio\/v1alpha1/);
  });

  it('reads container env, envFrom and Ingress backends', () => {
    const a = analyzeYaml(
      yaml`
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: c
                image: x
                args: [--api, "http://api:8080"]
                env:
                - {name: API_URL, value: "http://api.shop:8080"}
                - name: DB_HOST
                  valueFrom: {configMapKeyRef: {name: cfg, key: db}}
                envFrom:
                - configMapRef: {name: settings}
                  prefix: APP_
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web, namespace: shop}
        spec:
          ingressClassName: nginx
          rules:
          - http:
              paths:
              - path: /
                pathType: Prefix
                backend: {service: {name: web, port: {number: 80}}}
      `,
    );
    assert.deepEqual(a.cluster.findings, []);
    const [c] = a.cluster.workloads[0].spec.containers;
    assert.deepEqual(
      c.env.map((e) => [e.name.value, e.value?.value, e.configMapKeyRef?.name.value]),
      [
        ['API_URL', 'http://api.shop:8080', undefined],
        ['DB_HOST', undefined, 'cfg'],
      ],
    );
    assert.deepEqual(
      c.envFrom.map((e) => [e.name.value, e.prefix]),
      [['settings', 'APP_']],
    );
    assert.deepEqual(
      c.commandLine.map((w) => w.value),
      ['--api', 'http://api:8080'],
    );
    const [ing] = a.cluster.ingresses;
    assert.equal(ing.className?.value, 'nginx');
    assert.deepEqual(
      ing.backends.map((b) => [b.service.value, b.port?.value]),
      [['web', 80]],
    );
  });
});
