/**
 * Reachability matrices over a set of pods: on one port, or on the ports each
 * destination declares ("served ports"). The CLI prints them; the editor
 * counts from them (CodeLens, status bar) and the matrix view will show them.
 */
import type { Analysis } from '../engine/analysis';
import type { Protocol } from '../model/kubernetes';
import { portKey } from '../policy/endpoint';

export interface ServedPort {
  readonly protocol: Protocol;
  readonly port: number;
  /** `PROTOCOL/port`. */
  readonly key: string;
}

/** The (protocol, port) pairs endpoints[i]'s containers declare, by port then protocol. */
export function servedPorts(a: Analysis, i: number): ServedPort[] {
  const pod = a.endpoints[i].pod;
  const seen = new Set<string>();
  const out: ServedPort[] = [];
  for (const p of pod?.spec.ports ?? []) {
    const key = portKey(p.protocol, p.containerPort);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ protocol: p.protocol, port: p.containerPort, key });
  }
  return out.sort((x, y) => x.port - y.port || (x.protocol < y.protocol ? -1 : 1));
}

export interface ServedMatrix {
  readonly endpoints: readonly string[];
  /** Each destination's declared ports (`PROTOCOL/port`). */
  readonly served: readonly (readonly string[])[];
  /** allowed[row][column]: the column's declared ports the row's pod may reach. */
  readonly allowed: readonly (readonly (readonly string[])[])[];
}

/** Each destination's declared ports, and for every pair the ones the source may reach (computed once). */
export function servedMatrix(a: Analysis, indices: readonly number[]): ServedMatrix {
  const ports = indices.map((j) => servedPorts(a, j));
  const allowed = indices.map((i) =>
    indices.map((j, c) => ports[c].filter((s) => a.engine.allowed(i, j, s.protocol, s.port)).map((s) => s.key)),
  );
  return { endpoints: indices.map((i) => a.endpoints[i].id), served: ports.map((l) => l.map((s) => s.key)), allowed };
}
