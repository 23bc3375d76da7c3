/** `netpol matrix` output: one port (the JSON contract of DESIGN.md), or every port the destinations serve. */
import type { Analysis } from '../engine/analysis';
import type { Protocol } from '../model/kubernetes';
import { portMatrix, servedMatrix } from '../ide/port-matrix';

export function matrixJson(a: Analysis, indices: readonly number[], protocol: Protocol, port: number): string {
  const { endpoints, allowed } = portMatrix(a, indices, protocol, port);
  // One row per line keeps large matrices readable and diffable.
  const rows = allowed.map((r) => `    [${r.map((x) => (x ? 'true' : 'false')).join(',')}]`).join(',\n');
  return `{\n  "port": ${port},\n  "protocol": ${JSON.stringify(protocol)},\n  "endpoints": ${JSON.stringify(endpoints)},\n  "allowed": [\n${rows}\n  ]\n}\n`;
}

function table(a: Analysis, indices: readonly number[], cell: (i: number, j: number) => string): string[] {
  const ids = indices.map((i) => a.endpoints[i].id);
  const width = Math.max(...ids.map((s) => s.length));
  const num = String(indices.length).length;
  const cols = indices.map((_, k) => String(k + 1).padStart(num));
  const lines = [`${' '.repeat(num + 1 + width)}  ${cols.join(' ')}`];
  indices.forEach((i, r) => {
    const cells = indices.map((j) => cell(i, j).padStart(num));
    lines.push(`${String(r + 1).padStart(num)} ${ids[r].padEnd(width)}  ${cells.join(' ')}`);
  });
  return lines;
}

export function matrixText(a: Analysis, indices: readonly number[], protocol: Protocol, port: number): string {
  const header = `${protocol}/${port}: may the row's pod open a connection to the column's pod? (✓ allowed, · denied)`;
  const m = portMatrix(a, indices, protocol, port).allowed;
  const pos = new Map(indices.map((i, k) => [i, k]));
  const lines = [header, '', ...table(a, indices, (i, j) => (m[pos.get(i)!][pos.get(j)!] ? '✓' : '·'))];
  const n = indices.length;
  let allowed = 0;
  for (const row of m) for (const x of row) if (x) allowed++;
  lines.push('', `${allowed} of ${n * n} pairs allowed.`);
  return `${lines.join('\n')}\n`;
}

export function servedMatrixJson(a: Analysis, indices: readonly number[]): string {
  const endpoints = indices.map((i) => a.endpoints[i].id);
  const { served, allowed } = servedMatrix(a, indices);
  const rows = allowed.map((r) => `    ${JSON.stringify(r)}`).join(',\n');
  return `{\n  "mode": "served-ports",\n  "endpoints": ${JSON.stringify(endpoints)},\n  "served": ${JSON.stringify(served)},\n  "allowed": [\n${rows}\n  ]\n}\n`;
}

export function servedMatrixText(a: Analysis, indices: readonly number[]): string {
  const partial: string[] = [];
  const m = servedMatrix(a, indices);
  const pos = new Map(indices.map((i, k) => [i, k]));
  const lines = [
    "Reachability on the ports each destination declares: may the row's pod connect to the column's pod?",
    '(✓ on every declared port, ◐ on some, · on none, - the pod declares no ports; use --port N for any other port)',
    '',
    ...table(a, indices, (i, j) => {
      const served = m.served[pos.get(j)!];
      const allowed = m.allowed[pos.get(i)!][pos.get(j)!];
      if (served.length === 0) return '-';
      if (allowed.length === served.length) return '✓';
      if (allowed.length === 0) return '·';
      partial.push(
        `  ${a.endpoints[i].id} -> ${a.endpoints[j].id}: allowed ${allowed.join(', ')}; denied ${served.filter((s) => !allowed.includes(s)).join(', ')}`,
      );
      return '◐';
    }),
  ];
  if (partial.length) lines.push('', 'Partly allowed (◐):', ...partial);
  return `${lines.join('\n')}\n`;
}
