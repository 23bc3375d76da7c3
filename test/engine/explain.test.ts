import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verdictText } from '../../server/src/engine/explain';
import { analyzeYaml, yaml } from '../helpers';
import { docs, pod, policy } from '../manifests';

const setup = () =>
  analyzeYaml(
    docs(
      pod('shop/web', { labels: { app: 'web' } }),
      pod('shop/db', { labels: { app: 'db' }, ports: [{ name: 'pg', port: 5432 }] }),
      policy(
        'shop/deny',
        yaml`
          podSelector: {}
          policyTypes: [Ingress]
        `,
      ),
      policy(
        'shop/db-from-web',
        yaml`
          podSelector: {matchLabels: {app: db}}
          ingress:
          - from: [{podSelector: {matchLabels: {app: web}}}]
            ports: [{port: pg}]
        `,
      ),
    ),
  );

const explain = (from: string, to: string, port: number) => {
  const a = setup();
  const v = a.engine.explain(a.engine.indexOf(from)!, a.engine.indexOf(to)!, 'TCP', port);
  return { v, text: verdictText(v, from, to).join('\n') };
};

describe('engine: explanations', () => {
  it('names the tier, policy, order, rule and action that allowed a connection', () => {
    const { v, text } = explain('shop/web', 'shop/db', 5432);
    assert.equal(v.allowed, true);
    assert.equal(v.ingress.reason, 'rule');
    assert.deepEqual(
      v.ingress.policies.map((p) => p.ref.name),
      ['db-from-web', 'deny'],
    );
    assert.match(text, /^shop\/web -> shop\/db TCP\/5432: ALLOWED$/m);
    assert.match(text, /egress from shop\/web: allowed: no policy selects shop\/web for egress/);
    assert.match(
      text,
      /tier default: NetworkPolicy shop\/db-from-web \(order 1000\) ingress rule 1 Allow: from podSelector \{app=web\} on TCP\/pg/,
    );
  });

  it('says that no rule admitted a denied connection, and which policies were consulted', () => {
    const { v, text } = explain('shop/db', 'shop/web', 80);
    assert.equal(v.allowed, false);
    assert.equal(v.ingress.reason, 'end-of-tier');
    assert.match(text, /DENIED/);
    assert.match(
      text,
      /policies selecting shop\/web for ingress: NetworkPolicy shop\/deny \[tier default, order 1000\]/,
    );
    assert.match(text, /tier default: no rule of deny matched; the tier's default action is Deny/);
    assert.match(text, /ingress to shop\/web: denied \(no rule admitted it\)/);
  });

  it('notes how policyTypes defaulted', () => {
    const { text } = explain('shop/web', 'shop/db', 80);
    assert.match(text, /note: db-from-web: policyTypes is not set, so it defaults to Ingress/);
  });
});
