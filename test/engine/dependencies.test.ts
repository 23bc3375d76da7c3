import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferDependencies, parseAddress, serviceOfHost } from '../../server/src/engine/dependencies';
import { analyzeYaml, spanned, yaml } from '../helpers';
import { client, service } from '../dependency-fixtures';
import { docs, namespace } from '../manifests';

const namespaces = new Set(['shop', 'data']);

describe('engine: dependency inference', () => {
  it('reads hosts and ports from URLs and host:port forms', () => {
    assert.deepEqual(parseAddress('postgres://user:pw@db.data:5433/app'), {
      host: 'db.data',
      port: 5433,
      scheme: 'postgres',
      offset: 19,
    });
    assert.deepEqual(parseAddress('api:8080'), { host: 'api', port: 8080, scheme: undefined, offset: 0 });
    assert.equal(parseAddress('not a host'), undefined);
    assert.equal(parseAddress('http://api:99999'), undefined);
    assert.deepEqual(serviceOfHost('api', 'shop', namespaces), { name: 'api', namespace: 'shop', explicit: false });
    assert.deepEqual(serviceOfHost('db.data', 'shop', namespaces), { name: 'db', namespace: 'data', explicit: true });
    assert.deepEqual(serviceOfHost('db.other.svc', 'shop', namespaces), {
      name: 'db',
      namespace: 'other',
      explicit: true,
    });
    assert.deepEqual(serviceOfHost('db.data.svc.cluster.local', 'shop', namespaces)?.namespace, 'data');
    assert.equal(serviceOfHost('example.com', 'shop', namespaces), undefined);
  });

  it('infers dependencies from env, HOST+PORT pairs, ConfigMaps, args and Ingress backends', () => {
    const a = analyzeYaml(
      docs(
        namespace('shop'),
        namespace('data'),
        service('shop/api', 'api', '[{name: http, port: 80, targetPort: http}, {name: metrics, port: 9090}]'),
        service('data/postgres', 'postgres', '[{port: 5432}]'),
        service('shop/redis', 'redis', '[{port: 6379}]'),
        client('shop/api', '', 'ports: [{name: http, containerPort: 8000}, {containerPort: 9090}]'),
        client('data/postgres', '', 'ports: [{containerPort: 5432}]'),
        client('shop/redis', '', 'ports: [{containerPort: 6379}]'),
        client(
          'shop/web',
          yaml`
            args: ["--api-url=http://api.shop.svc.cluster.local/v1", "--mode", "api"]
            env:
            - {name: DATABASE_HOST, value: postgres.data}
            - {name: DATABASE_PORT, value: "5432"}
            - {name: MODE, value: redis}
            - name: CACHE
              valueFrom: {configMapKeyRef: {name: cfg, key: cache}}
          `,
        ),
        yaml`
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: cfg, namespace: shop}
          data: {cache: "redis://redis:6379"}
        `,
        client('shop/ingress-nginx-controller', '').replace(
          'labels: {app: ingress-nginx-controller}',
          'labels: {app: ingress-nginx-controller, app.kubernetes.io/name: ingress-nginx}',
        ),
        yaml`
          apiVersion: networking.k8s.io/v1
          kind: Ingress
          metadata: {name: web, namespace: shop}
          spec:
            defaultBackend: {service: {name: api, port: {name: http}}}
        `,
      ),
    );
    assert.deepEqual(
      a.cluster.findings.filter((f) => f.severity === 'error'),
      [],
    );
    const deps = inferDependencies(a);
    assert.deepEqual(
      deps.map((d) => [
        d.client,
        d.reference.source,
        `${d.reference.namespace}/${d.reference.service}`,
        d.servicePorts.map((p) => p.port).join(','),
        d.destinations.map((p) => `${a.endpoints[p.index].id}:${p.port}`).join(','),
      ]),
      [
        ['Deployment shop/web', 'host-port', 'data/postgres', '5432', 'data/postgres-0:5432'],
        ['Deployment shop/web', 'configmap', 'shop/redis', '6379', 'shop/redis-0:6379'],
        ['Deployment shop/web', 'args', 'shop/api', '80', 'shop/api-0:8000'],
        ['ingress controller ingress-nginx-controller', 'ingress', 'shop/api', '80', 'shop/api-0:8000'],
      ],
    );
    // `MODE=redis` and the bare word `api` after `--mode` are not addresses.
    assert.equal(spanned({ span: deps[1].reference.span } as never), '"redis://redis:6379"');
    assert.equal(
      spanned({ span: deps[2].reference.span } as never),
      '"--api-url=http://api.shop.svc.cluster.local/v1"',
    );
  });
});
