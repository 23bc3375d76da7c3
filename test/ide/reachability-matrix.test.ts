/** The matrix panel's data from the engine's class answers: the work grows with classes, not pods. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reachabilityMatrix } from '../../server/src/ide/reachability-matrix';
import { analyzeYaml, yaml } from '../helpers';

function deployment(name: string, replicas: number): string {
  return yaml`
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: ${name}, namespace: big}
    spec:
      replicas: ${replicas}
      selector: {matchLabels: {app: ${name}}}
      template:
        metadata: {labels: {app: ${name}}}
        spec:
          containers:
          - {name: c, image: c, ports: [{containerPort: 80}]}
  `;
}

const NODE = (n: string) => yaml`
  apiVersion: v1
  kind: Node
  metadata: {name: ${n}}
  spec: {podCIDR: 10.244.${n === 'a' ? 1 : 2}.0/24}
`;

describe('ide: the reachability matrix', () => {
  it('decides per class and node, not per pod pair: 2 × 60 replicas cost what 2 × 2 would', () => {
    const decisions = (replicas: number) => {
      const a = analyzeYaml([deployment('web', replicas), deployment('api', replicas), NODE('a'), NODE('b')]);
      const m = reachabilityMatrix(a, 'workloads');
      const web = m.parties.findIndex((p) => p.label === 'big/web');
      const api = m.parties.findIndex((p) => p.label === 'big/api');
      assert.deepEqual(m.cells[web][api], [[m.ports.indexOf('TCP/80')], []]);
      assert.equal(m.parties[web].pods.length, replicas);
      return m.decisions;
    };
    const small = decisions(2);
    const large = decisions(60);
    assert.equal(large, small, `${large} decisions for 120 pods, ${small} for 4`);
  });
});
