/**
 * The scheduler's balancing (model/schedule.ts, Spreader) keeps the eligible nodes of each kind of
 * spec in a heap. Here it is compared with the plain way on random nodes, specs and sequences of
 * pods: every node checked for every pod, the first of the least loaded taken.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { KubeNode, PodSpecInfo } from '../../server/src/model/kubernetes';
import { eligible, Spreader } from '../../server/src/model/schedule';

/** The plain way: each pod scans every node. */
class PlainSpreader {
  private readonly load: number[];

  constructor(private readonly nodes: readonly KubeNode[]) {
    this.load = nodes.map(() => 0);
  }

  occupy(node: string): void {
    const i = this.nodes.findIndex((n) => n.name === node);
    if (i >= 0) this.load[i]++;
  }

  place(spec: PodSpecInfo): string | undefined {
    let best = -1;
    this.nodes.forEach((n, i) => {
      if (eligible(spec, n) && (best < 0 || this.load[i] < this.load[best])) best = i;
    });
    if (best < 0) return undefined;
    this.load[best]++;
    return this.nodes[best].name;
  }
}

const zone = fc.constantFrom('a', 'b', 'c');

const nodeArb = fc.record({ zone, gpu: fc.boolean(), tainted: fc.boolean() });

const specArb = fc.record({
  zone: fc.option(zone, { nil: undefined }),
  affinityZones: fc.option(fc.uniqueArray(zone, { minLength: 1, maxLength: 2 }), { nil: undefined }),
  tolerates: fc.boolean(),
});

type SpecShape = { zone?: string; affinityZones?: string[]; tolerates: boolean };

function node(i: number, n: { zone: string; gpu: boolean; tainted: boolean }): KubeNode {
  const name = `node-${String(i).padStart(2, '0')}`;
  return {
    name,
    labels: { 'kubernetes.io/hostname': name, zone: n.zone, ...(n.gpu ? { gpu: 'yes' } : {}) },
    annotations: {},
    podCIDRs: [],
    internalIPs: [],
    addresses: [],
    taints: n.tainted ? [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }] : [],
    origin: 'declared',
  };
}

function spec(s: SpecShape): PodSpecInfo {
  return {
    serviceAccount: 'default',
    hostNetwork: false,
    nodeSelector: s.zone ? { zone: s.zone } : {},
    requiredNodeAffinity: s.affinityZones ? [[{ key: 'zone', operator: 'In', values: s.affinityZones }]] : undefined,
    tolerations: s.tolerates ? [{ key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' }] : [],
    ports: [],
    args: [],
    containers: [],
  };
}

describe('model stage: balancing pods over nodes', () => {
  it('places every pod where scanning every node would (random nodes, specs, occupied nodes, pod orders)', () => {
    fc.assert(
      fc.property(
        fc.array(nodeArb, { maxLength: 12 }),
        fc.array(specArb, { minLength: 1, maxLength: 5 }),
        fc.array(
          fc.oneof(
            fc.nat({ max: 20 }).map((n) => ({ occupy: n })),
            fc.nat({ max: 20 }).map((n) => ({ pod: n })),
          ),
          {
            maxLength: 80,
          },
        ),
        (nodeShapes, specShapes, steps) => {
          const nodes = nodeShapes.map((n, i) => node(i, n));
          // Equal shapes as distinct objects too: specs that ask the same share eligible nodes.
          const specs = [...specShapes, ...specShapes].map(spec);
          const fast = new Spreader(nodes);
          const plain = new PlainSpreader(nodes);
          for (const step of steps) {
            if ('occupy' in step) {
              const name = nodes.length ? nodes[step.occupy % nodes.length].name : 'none';
              fast.occupy(name);
              plain.occupy(name);
            } else {
              const s = specs[step.pod % specs.length];
              assert.equal(fast.place(s), plain.place(s));
            }
          }
        },
      ),
      { seed: 2026, numRuns: 400 },
    );
  });
});
