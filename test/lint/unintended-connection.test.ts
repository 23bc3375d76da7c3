import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeSources } from '../../server/src/engine/analysis';
import { SourceFile } from '../../server/src/common/source';
import { lint } from '../../server/src/lint';
import { assertFixWorks, ISOLATION_FINDINGS, lintYaml, spanned, yaml } from '../helpers';
import { networkIntent } from '../intent-fixtures';
import { deployment, docs, namespace, pod, policy } from '../manifests';

const only = (text: string) => lintYaml(text).filter((f) => f.rule === 'unintended-connection');

const intents = (complete: boolean) =>
  networkIntent(
    'shop/shop',
    yaml`
      - name: frontend-calls-api
        from: {workload: Deployment/frontend}
        to: {podSelector: {matchLabels: {app: api}}}
        ports: [{port: 8080}]
        expect: allow
    `,
    complete,
  );

const world = [
  namespace('shop'),
  namespace('ops'),
  deployment('shop/frontend', 1),
  pod('shop/api', { labels: { app: 'api' }, ports: [{ name: 'http', port: 8080 }] }),
  pod('ops/debug', { labels: { app: 'debug' } }),
  // The frontend receives nothing: only the api is open.
  policy('shop/frontend', 'podSelector: {matchLabels: {app: frontend}}\npolicyTypes: [Ingress]'),
];

describe('lint: unintended-connection', () => {
  it('reports each source of connections the complete intents do not list, on the destination workload', () => {
    const found = only(docs(...world, intents(true)));
    assert.deepEqual(
      found.map((f) => spanned(f)),
      ['api', 'api', 'api'],
    );
    const messages = found.map((f) => f.message).sort();
    assert.match(
      messages[0],
      /^Pod shop\/api can be reached by Deployment shop\/frontend on TCP 1-8079, 8081-65535, every UDP port and every SCTP port, which the complete NetworkIntent shop\/shop does not list \(e\.g\. shop\/frontend-0 -> shop\/api TCP\/1: ingress to shop\/api allowed: no policy selects it for ingress/,
    );
    assert.match(messages[1], /^Pod shop\/api can be reached by addresses outside the cluster on every port/);
    assert.match(messages[2], /^Pod shop\/api can be reached by pods of namespace ops on every port/);
    assert.equal(found[0].severity, 'warning');
    assert.match(found[0].related!.at(-1)!.message, /^complete: the allow-intents/);
  });

  it('fixes it with the least-privilege ingress policy from the allow-intents', () => {
    const text = docs(...world, intents(true));
    const f = only(text).find((x) => /pods of namespace ops/.test(x.message))!;
    assert.equal(f.fixes?.[0].title, 'Add NetworkPolicy shop/api-intended-ingress: only the ingress the intents list');
    const [fixed] = assertFixWorks([text], (x) => x === f || (x.rule === f.rule && x.message === f.message), {
      allowChanged: new RegExp(`${ISOLATION_FINDINGS.source}| unintended-connection `),
    });
    assert.match(
      fixed,
      /name: api-intended-ingress\n {2}namespace: shop\nspec:\n {2}podSelector:\n {4}matchLabels:\n {6}app: api\n {2}policyTypes:\n {2}- Ingress\n {2}ingress:\n {2}- from:\n {4}- podSelector:\n {8}matchLabels:\n {10}app: frontend\n {4}ports:\n {4}- protocol: TCP\n {6}port: 8080\n/,
    );
    const after = lint(analyzeSources([new SourceFile('m0.yaml', fixed)]));
    assert.deepEqual(
      after.filter((x) => x.rule === 'unintended-connection' || x.rule === 'intent-violated').map((x) => x.message),
      [],
    );
  });

  it('names the allowing rule and offers no fix when a policy already isolates the destination', () => {
    const text = docs(
      ...world,
      intents(true),
      policy(
        'shop/api',
        yaml`
          podSelector: {matchLabels: {app: api}}
          ingress:
          - from: [{podSelector: {matchLabels: {app: frontend}}}]
            ports: [{port: 8080}]
          - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ops}}}]
        `,
      ),
    );
    const [f, ...rest] = only(text);
    assert.deepEqual(rest, []);
    assert.match(f.message, /^Pod shop\/api can be reached by pods of namespace ops on every port/);
    assert.equal(f.fixes, undefined);
    assert.match(spanned({ span: f.related![0].span } as never), /^from: \[\{namespaceSelector/);
  });

  it('does not fire without complete: true, or when policy allows only what the intents list', () => {
    assert.deepEqual(only(docs(...world, intents(false))), []);
    const exact = docs(
      ...world,
      intents(true),
      policy(
        'shop/api',
        yaml`
          podSelector: {matchLabels: {app: api}}
          ingress:
          - from: [{podSelector: {matchLabels: {app: frontend}}}]
            ports: [{port: 8080}]
        `,
      ),
    );
    assert.deepEqual(
      only(exact).map((f) => f.message),
      [],
    );
  });
});
