import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lintYaml, spanned } from '../helpers';
import { client, service } from '../dependency-fixtures';
import { docs, namespace } from '../manifests';

const only = (rule: string, text: string) => lintYaml(text).filter((f) => f.rule === rule);

describe('lint: dependency-unknown-service', () => {
  it('fires, as an info, at a URL naming a Service the workspace lacks, with a did-you-mean', () => {
    const text = docs(
      namespace('shop'),
      service('shop/api', 'api', '[{port: 80}]'),
      client('shop/frontend', 'env: [{name: API_URL, value: "http://apii:80"}, {name: MODE, value: production}]'),
    );
    const [f, ...rest] = only('dependency-unknown-service', text);
    assert.deepEqual(rest, []);
    assert.equal(f.severity, 'info');
    assert.equal(spanned(f), '"http://apii:80"');
    assert.match(
      f.message,
      /names Service shop\/apii \(env API_URL\), which is not in the workspace.*Did you mean api\?/,
    );
  });

  it('does not fire for Services that exist, outside hosts or plain words', () => {
    const text = docs(
      namespace('shop'),
      service('shop/api', 'api', '[{port: 80}]'),
      client(
        'shop/frontend',
        'env: [{name: API_URL, value: "http://api"}, {name: DOCS_URL, value: "https://example.com/x"}, {name: LOCAL_URL, value: "http://localhost:8080"}, {name: TIER, value: web}]',
      ),
    );
    assert.deepEqual(only('dependency-unknown-service', text), []);
  });
});
