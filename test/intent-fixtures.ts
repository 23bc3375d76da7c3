/** A small shop for the intent and dependency tests: frontend -> api -> postgres, with a default deny. */
import { yaml } from './helpers';
import { deployment, docs, namespace, pod, policy } from './manifests';

/** A NetworkIntent in `id` (namespace/name) with `intents` (YAML) as its list. */
export function networkIntent(id: string, intents: string, complete = false): string {
  const [ns, name] = id.split('/');
  return yaml`
    apiVersion: netpol.studio/v1alpha1
    kind: NetworkIntent
    metadata: {name: ${name}, namespace: ${ns}}
    spec:
      complete: ${complete}
      intents:
      ${intents.trim()}
  `;
}

/** frontend (2 replicas), api (port 8080 named http), postgres (5432); api admits only app=web (a mistake). */
export const shop = docs(
  namespace('shop'),
  deployment('shop/frontend', 2),
  pod('shop/api', { labels: { app: 'api' }, ports: [{ name: 'http', port: 8080 }] }),
  pod('shop/postgres', { labels: { app: 'postgres' }, ports: [{ port: 5432 }] }),
  policy(
    'shop/api',
    yaml`
      podSelector: {matchLabels: {app: api}}
      ingress:
      - from: [{podSelector: {matchLabels: {app: web}}}]
        ports: [{port: 8080}]
    `,
  ),
  policy(
    'shop/postgres',
    yaml`
      podSelector: {matchLabels: {app: postgres}}
      ingress:
      - from: [{podSelector: {matchLabels: {app: api}}}]
        ports: [{port: 5432}]
    `,
  ),
);
