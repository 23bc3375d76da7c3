/**
 * Big generated workspaces for the output-at-scale checks (matrix-scale.test.ts and
 * `npm run fuzz -- --matrix-scale`): bench/generate.ts's cluster with `namespaces` x 5 Deployments
 * of `replicas` pods, plus in each namespace a policy that admits http from every namespace and
 * opens egress: every pod reaches every frontend and api pod on http but not on metrics, so those
 * pairs are partly allowed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../../bench/generate';

/** Writes the workspace into a new temporary folder and returns it (the caller removes it). */
export function scaleWorkspace(namespaces: number, replicas: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-scale-'));
  for (const [k, text] of generate({ namespaces, replicas }).entries()) writeFileSync(join(dir, `f${k}.yaml`), text);
  const open = Array.from(
    { length: namespaces },
    (_, n) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: open-http, namespace: team-${n}}
spec:
  podSelector: {}
  ingress:
  - from: [{namespaceSelector: {}}]
    ports: [{port: http}]
  egress:
  - {}
`,
  );
  writeFileSync(join(dir, 'open-http.yaml'), open.join('---\n'));
  return dir;
}
