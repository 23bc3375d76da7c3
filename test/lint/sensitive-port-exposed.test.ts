import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceFile } from '../../server/src/common/source';
import { analyzeSources } from '../../server/src/engine/analysis';
import { lint } from '../../server/src/lint';
import { readProjectConfig } from '../../server/src/lint/project-config';
import { assertFixWorks, lintYaml, spanned, yaml } from '../helpers';
import { client, service } from '../dependency-fixtures';
import { networkIntent } from '../intent-fixtures';
import { docs, namespace, pod, policy } from '../manifests';

const ID = 'sensitive-port-exposed';
const only = (...texts: string[]) => lintYaml(texts).filter((f) => f.rule === ID);
const world = [
  namespace('data'),
  namespace('web'),
  namespace('ops'),
  pod('data/pg', { ports: [{ name: 'pg', port: 5432 }] }),
  pod('data/app'),
  pod('web/front'),
  pod('ops/backup'),
];
const OPEN = policy(
  'data/pg',
  yaml`
    podSelector: {matchLabels: {app: pg}}
    ingress:
    - from:
      - namespaceSelector: {}
      ports:
      - port: 5432
  `,
);
const BACKUP_EGRESS = policy(
  'ops/backup-out',
  yaml`
    podSelector: {matchLabels: {app: backup}}
    egress:
    - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: data}}, podSelector: {matchLabels: {app: pg}}}]
      ports: [{port: 5432}]
  `,
);

describe('lint: sensitive-port-exposed', () => {
  it('warns on the workload and on the opening rule, naming the other namespaces', () => {
    const findings = only(docs(...world, OPEN));
    assert.equal(findings.length, 2);
    const onPod = findings.find((f) => spanned(f) === 'pg')!;
    assert.equal(onPod.severity, 'warning');
    assert.match(
      onPod.message,
      /^pg:5432 \(PostgreSQL\) of Pod data\/pg is reachable from 2 other namespaces: ops, web\./,
    );
    assert.equal(onPod.related?.length, 1);
    const onRule = findings.find((f) => /^Rule/.test(f.message))!;
    assert.match(
      onRule.message,
      /^Rule ingress\[0\] of NetworkPolicy data\/pg opens pg:5432 \(PostgreSQL\) of Pod data\/pg to 2 other namespaces: ops, web\./,
    );
  });

  it('says "from outside the cluster" for a pod no policy isolates', () => {
    const [f] = only(docs(...world));
    assert.match(
      f.message,
      /from 2 other namespaces: ops, web, and from addresses outside the cluster\. No policy isolates it/,
    );
  });

  it('restricts namespaceSelector: {} to the namespaces whose egress rules use the port', () => {
    const texts = [docs(...world, OPEN, BACKUP_EGRESS)];
    const [fixed] = assertFixWorks(texts, (f) => f.rule === ID && /^Rule/.test(f.message), {
      allowChanged: / (sensitive-port-exposed|rule-open-to-everything|non-isolated-pods) /,
    });
    assert.match(fixed, /- namespaceSelector: \{matchLabels: \{kubernetes\.io\/metadata\.name: ops\}\}\n/);
    assert.deepEqual(
      lintYaml(fixed).filter((f) => f.rule === ID || f.rule === 'rule-open-to-everything'),
      [],
      'nothing opens the database wider than its clients any more',
    );
  });

  it('is quiet for clients in the same namespace, and reads the sensitive ports from .netpol.yaml', () => {
    const sameNamespace = policy(
      'data/pg',
      'podSelector: {matchLabels: {app: pg}}\ningress: [{from: [{podSelector: {}}]}]',
    );
    assert.deepEqual(only(docs(...world, sameNamespace)), []);
    const files = [new SourceFile('m0.yaml', docs(...world))];
    const config = readProjectConfig(new SourceFile('.netpol.yaml', 'sensitivePorts: [{port: 80, name: web}]\n'));
    const findings = lint(analyzeSources(files), { config }).filter((f) => f.rule === ID);
    assert.ok(findings.some((f) => /^app:80 \(web\)/.test(f.message)));
    assert.ok(!findings.some((f) => /5432/.test(f.message)), 'the project list replaces the default one');
  });

  describe('the fix narrows the rule to the workloads that need the port', () => {
    const PG_SERVICE = service('data/pg', 'pg', '[{port: 5432}]');
    /** web/shop reads DATABASE_URL naming the Service: an inferred dependency on pg:5432. */
    const SHOP = client('web/shop', 'env: [{name: DATABASE_URL, value: "postgres://pg.data:5432/app"}]');
    const NARROWED = / (sensitive-port-exposed|rule-open-to-everything|non-isolated-pods) /;

    it('keeps the inferred client (namespace and labels), and the namespaces whose egress rules use it', () => {
      const texts = [docs(...world, PG_SERVICE, SHOP, BACKUP_EGRESS, OPEN)];
      const onWorkload = only(...texts).find((f) => spanned(f) === 'pg')!;
      assert.match(
        onWorkload.message,
        /reachable from 1 other namespace: web\./,
        'web/shop needs it: web/front does not',
      );
      const [fixed] = assertFixWorks(texts, (f) => f.rule === ID && /^Rule/.test(f.message), {
        allowChanged: NARROWED,
      });
      assert.match(
        fixed,
        /- from:\n {4}- namespaceSelector: \{matchLabels: \{kubernetes\.io\/metadata\.name: web\}\}\n {6}podSelector: \{matchLabels: \{app: shop\}\}\n {4}- namespaceSelector: \{matchLabels: \{kubernetes\.io\/metadata\.name: ops\}\}\n {4}ports:/,
      );
      const a = analyzeSources([new SourceFile('m0.yaml', fixed)]);
      assert.deepEqual(
        lint(a).filter((f) => f.rule === ID || f.rule === 'dependency-blocked'),
        [],
        'nothing else reaches the database, and the client still does',
      );
    });

    it('reads allow-intents too, and adds from: to a rule that admits every source', () => {
      const everyone = policy(
        'data/pg',
        yaml`
          podSelector: {matchLabels: {app: pg}}
          ingress:
          - ports:
            - port: 5432
        `,
      );
      const intent = networkIntent(
        'data/pg-clients',
        yaml`
          - name: front-uses-pg
            from: {namespace: web, workload: Pod/front}
            to: {workload: Pod/pg}
            ports: [{port: 5432, protocol: TCP}]
            expect: allow
        `,
      );
      const texts = [docs(...world, everyone, intent)];
      const [fixed] = assertFixWorks(texts, (f) => f.rule === ID && /^Rule/.test(f.message), {
        allowChanged: NARROWED,
      });
      assert.match(
        fixed,
        /ingress:\n {2}- from:\n {4}- namespaceSelector: \{matchLabels: \{kubernetes\.io\/metadata\.name: web\}\}\n {6}podSelector: \{matchLabels: \{app: front\}\}\n {4}ports:/,
      );
      assert.deepEqual(
        lintYaml(fixed).filter((f) => f.rule === ID || f.rule === 'intent-violated'),
        [],
      );
    });

    it('in a flow list, and with podSelector: {} beside the empty namespaceSelector', () => {
      const flow = policy(
        'data/pg',
        'podSelector: {matchLabels: {app: pg}}\ningress: [{from: [{namespaceSelector: {}, podSelector: {}}], ports: [{port: 5432}]}]',
      );
      const [fixed] = assertFixWorks(
        [docs(...world, PG_SERVICE, SHOP, flow)],
        (f) => f.rule === ID && /^Rule/.test(f.message),
        {
          allowChanged: NARROWED,
        },
      );
      assert.match(
        fixed,
        /from: \[\{namespaceSelector: \{matchLabels: \{kubernetes\.io\/metadata\.name: web\}\}, podSelector: \{matchLabels: \{app: shop\}\}\}\]/,
      );
    });
  });
});
