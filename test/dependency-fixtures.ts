/** Workloads that name Services, for the dependency tests. */
import { yaml } from './helpers';

/** A Deployment `ns/name` labelled app=name, with `container` (YAML: env, envFrom, args…) merged into its one container. */
export function client(id: string, container: string, ports = ''): string {
  const [ns, name] = id.split('/');
  return yaml`
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: ${name}, namespace: ${ns}}
    spec:
      selector: {matchLabels: {app: ${name}}}
      template:
        metadata: {labels: {app: ${name}}}
        spec:
          containers:
          - name: main
            image: x
            ${container.trim()}
            ${ports.trim()}
  `;
}

export function service(id: string, app: string, ports: string): string {
  const [ns, name] = id.split('/');
  return yaml`
    apiVersion: v1
    kind: Service
    metadata: {name: ${name}, namespace: ${ns}}
    spec:
      selector: {app: ${app}}
      ports: ${ports}
  `;
}
