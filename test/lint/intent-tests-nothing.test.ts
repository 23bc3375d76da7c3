import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lintYaml, spanned, yaml } from '../helpers';
import { docs } from '../manifests';
import { networkIntent, shop } from '../intent-fixtures';

const only = (rule: string, text: string) => lintYaml(text).filter((f) => f.rule === rule);

describe('lint: intent-tests-nothing', () => {
  it('fires at a workload that does not exist, with a did-you-mean, and at a selector matching nothing', () => {
    const text = docs(
      shop,
      networkIntent(
        'shop/shop',
        yaml`
          - name: typo
            from: {workload: Deployment/frontent}
            to: {workload: Pod/api}
            ports: [{port: 8080}]
            expect: allow
          - name: nobody
            from: {podSelector: {matchLabels: {app: web}}}
            to: {workload: Pod/api}
            expect: deny
          - name: no-ports
            from: {workload: Pod/api}
            to: {workload: Deployment/frontend}
            expect: allow
        `,
      ),
    );
    const found = only('intent-tests-nothing', text);
    assert.equal(found.length, 3, found.map((f) => f.message).join('\n'));
    assert.equal(found[0].severity, 'warning');
    assert.equal(spanned(found[0]), 'Deployment/frontent');
    assert.match(found[0].message, /no Deployment shop\/frontent; did you mean Deployment\/frontend\.$/);
    assert.match(found[1].message, /podSelector \{app=web\} matches no pod in namespace shop/);
    assert.match(
      found[2].message,
      /"no-ports" tests nothing: shop\/frontend-0 declares no port \(list the ports in the intent\)/,
    );
    assert.equal(spanned(found[2]), 'allow');
    assert.deepEqual(only('intent-violated', text), []);
  });

  it('reports an invalid Calico selector in an intent as invalid-selector', () => {
    const text = docs(
      shop,
      networkIntent(
        'shop/shop',
        yaml`
          - {name: bad, from: {selector: "app == "}, to: {workload: Pod/api}, expect: deny}
        `,
      ),
    );
    const [f] = only('invalid-selector', text);
    assert.match(f.message, /Intent "bad": invalid Calico selector/);
  });

  it('does not fire when both sides select pods', () => {
    const text = docs(
      shop,
      networkIntent(
        'shop/shop',
        '- {name: ok, from: {workload: Pod/api}, to: {workload: Pod/postgres}, expect: allow}',
      ),
    );
    assert.deepEqual(only('intent-tests-nothing', text), []);
  });
});
