/**
 * Port numbers where a rule condition's answer may change. Verdicts are constant between two
 * consecutive cuts, so a check that probes one port per interval is exact.
 */
import { PROTOCOLS, type Protocol } from '../model/kubernetes';
import type { AtomValue } from '../policy/atoms';
import type { Condition } from '../policy/rule-model';
import type { AnswerRow } from './answer-row';

/**
 * Adds to `out` every range edge of `c`'s port conditions (the first port and the one after the
 * last) and, for its named ports, the numbers they stand for in any of `answers` (an endpoint
 * class's atom answers), with the number after each.
 */
export function addPortCuts(c: Condition, answers: readonly AnswerRow[], out: Set<number>): void {
  addCuts(c, answers, out, { seen: undefined });
}

function addCuts(
  c: Condition,
  answers: readonly AnswerRow[],
  out: Set<number>,
  /** The named-port answers read so far (made at the first named port: most conditions have none). */
  read: { seen: Set<AtomValue> | undefined },
): void {
  if (c.type === 'all' || c.type === 'any') {
    for (const x of c.of) addCuts(x, answers, out, read);
    return;
  }
  if (c.type !== 'ports') return;
  for (const [lo, hi] of c.ranges) {
    out.add(lo);
    out.add(hi + 1);
  }
  if (c.named.length === 0 || answers.length === 0) return;
  read.seen ??= new Set();
  const seen = read.seen;
  // Many classes give the same answer: each is read once.
  for (const atom of c.named)
    for (const values of answers) {
      const v = values.get(atom);
      if (seen.has(v)) continue;
      seen.add(v);
      addNamedPortCuts(v, out);
    }
}

/** Adds to `out` the numbers a named port's answer (`TCP/8080,UDP/53`, empty when undeclared) stands for, and the number after each. */
export function addNamedPortCuts(v: AtomValue, out: Set<number>): void {
  if (typeof v !== 'string' || !v) return;
  // Read in place (no split arrays): each entry's text after its '/', up to the next ','.
  let from = 0;
  while (from <= v.length) {
    let end = v.indexOf(',', from);
    if (end < 0) end = v.length;
    const slash = v.indexOf('/', from);
    let port = Number.NaN;
    if (slash >= 0 && slash < end) {
      const next = v.indexOf('/', slash + 1);
      port = Number(v.slice(slash + 1, next >= 0 && next < end ? next : end));
    }
    out.add(port);
    out.add(port + 1);
    from = end + 1;
  }
}

/** Ports of one protocol as inclusive ranges, sorted and merged. */
export interface PortSet {
  readonly protocol: Protocol;
  readonly ranges: readonly (readonly [number, number])[];
}

/** The cuts inside 1..65536 in port order (65536 closes the last interval of ports). */
export function sortedCuts(cuts: ReadonlySet<number>): number[] {
  return [...cuts].filter((p) => p >= 1 && p <= 65536).sort((x, y) => x - y);
}

/** One probe per protocol and interval between consecutive cuts: every port of an interval is decided alike. */
export function intervalProbes(cuts: ReadonlySet<number>): { protocol: Protocol; from: number; to: number }[] {
  return probesBetween(sortedCuts(cuts));
}

/** intervalProbes of cuts already sorted (as sortedCuts gives them). */
export function probesBetween(sorted: readonly number[]): { protocol: Protocol; from: number; to: number }[] {
  const probes: { protocol: Protocol; from: number; to: number }[] = [];
  for (const protocol of PROTOCOLS)
    for (let i = 0; i + 1 < sorted.length; i++) probes.push({ protocol, from: sorted[i], to: sorted[i + 1] - 1 });
  return probes;
}

/** The ports of the probes marked admitted (`admitted[i]` for `probes[i]`), per protocol, adjacent intervals merged. */
export function admittedPorts(
  probes: readonly { protocol: Protocol; from: number; to: number }[],
  admitted: readonly boolean[],
): PortSet[] {
  const ports: PortSet[] = [];
  for (const protocol of PROTOCOLS) {
    const ranges: [number, number][] = [];
    probes.forEach((probe, i) => {
      if (probe.protocol !== protocol || !admitted[i]) return;
      const last = ranges[ranges.length - 1];
      if (last && last[1] + 1 === probe.from) last[1] = probe.to;
      else ranges.push([probe.from, probe.to]);
    });
    if (ranges.length) ports.push({ protocol, ranges });
  }
  return ports;
}
