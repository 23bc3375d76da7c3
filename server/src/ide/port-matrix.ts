/**
 * The ports each destination declares ("served ports"): what the matrices without a port are
 * computed on (the CLI's ServedRows and workload cells, the matrix view, the reach summary).
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
