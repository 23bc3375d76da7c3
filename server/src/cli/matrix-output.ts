/**
 * `netpol matrix` output: one port (the JSON contract of DESIGN.md), or every
 * port the destinations serve; per pod or per workload (`--group`). Every
 * format is a sequence of pieces, one row at a time, computed as it is written
 * (output-stream.ts): memory holds a row, not the matrix, so 10,000 pods stream
 * out as well as 10.
 */
import type { Analysis } from '../engine/analysis';
import { plural } from '../common/text';
import type { Protocol } from '../model/kubernetes';
import { type ServedPort, servedPorts } from '../ide/port-matrix';
import {
  type GroupCell,
  type WorkloadGroup,
  workloadGroups,
  workloadPortCell,
  workloadServedCell,
} from '../ide/workload-matrix';

export type MatrixGroup = 'pods' | 'workloads';

/** Above this many pods the matrix is by workload unless --group pods is given (see defaultGroup). */
const GROUP_WORKLOADS_ABOVE = 2000;

export interface MatrixRequest {
  /** Endpoint indices, rows and columns alike, in that order. */
  readonly indices: readonly number[];
  /** One port, or (undefined) the ports each destination declares. */
  readonly port?: { readonly protocol: Protocol; readonly port: number };
  readonly group: MatrixGroup;
  /** The group was chosen by size, not asked for: the text says so. */
  readonly groupedBySize?: boolean;
  /** The terminal's width in columns: a wider text table says so. */
  readonly columns: number;
  /** --namespace was given (the width notice suggests it otherwise). */
  readonly namespaceGiven?: boolean;
}

/**
 * --group's default: per pod up to 2,000 pods, per workload above; but `--port N --format json` stays
 * per pod, the shape DESIGN.md promises to scripts (they can ask for --group workloads).
 */
export function defaultGroup(pods: number, format: 'text' | 'json', port: number | undefined): MatrixGroup {
  if (format === 'json' && port !== undefined) return 'pods';
  return pods > GROUP_WORKLOADS_ABOVE ? 'workloads' : 'pods';
}

export function matrixPieces(a: Analysis, format: 'text' | 'json', req: MatrixRequest): Iterable<string> {
  if (req.group === 'workloads') return format === 'json' ? workloadsJson(a, req) : workloadsText(a, req);
  if (req.port) return format === 'json' ? portJson(a, req, req.port) : portText(a, req, req.port);
  return format === 'json' ? servedJson(a, req) : servedText(a, req);
}

// ---- one port, per pod ----

function* portJson(a: Analysis, req: MatrixRequest, { protocol, port }: NonNullable<MatrixRequest['port']>) {
  const { indices } = req;
  yield `{\n  "port": ${port},\n  "protocol": ${JSON.stringify(protocol)},\n  "endpoints": [`;
  for (let k = 0; k < indices.length; k++) yield `${k ? ',' : ''}${JSON.stringify(a.endpoints[indices[k]].id)}`;
  yield '],\n  "allowed": [\n';
  // One row per line keeps large matrices readable and diffable.
  for (let r = 0; r < indices.length; r++) {
    const row = a.engine.matrixRow(protocol, port, indices[r], indices);
    const cells = new Array<string>(row.length);
    for (let c = 0; c < row.length; c++) cells[c] = row[c] ? 'true' : 'false';
    yield `${r ? ',\n' : ''}    [${cells.join(',')}]`;
  }
  yield '\n  ]\n}\n';
}

function* portText(a: Analysis, req: MatrixRequest, { protocol, port }: NonNullable<MatrixRequest['port']>) {
  const { indices } = req;
  yield `${protocol}/${port}: may the row's pod open a connection to the column's pod? (✓ allowed, · denied)\n`;
  let allowed = 0;
  yield* table(
    req,
    indices.map((i) => a.endpoints[i].id),
    (r) => {
      const row = a.engine.matrixRow(protocol, port, indices[r], indices);
      const cells = new Array<string>(row.length);
      for (let c = 0; c < row.length; c++) {
        if (row[c]) allowed++;
        cells[c] = row[c] ? '✓' : '·';
      }
      return cells;
    },
  );
  const n = indices.length;
  yield `\n${allowed} of ${n * n} pairs allowed.\n`;
}

// ---- the ports each destination declares, per pod ----

/**
 * Per row, each distinct declared port is decided once over the columns that declare it
 * (Engine.matrixRow), so a row costs the number of (column, port) entries.
 */
class ServedRows {
  readonly ports: ServedPort[][];
  private readonly distinct: { port: ServedPort; columns: number[] }[] = [];
  /** For column c and its k-th port: [distinct port index, position in that port's columns]. */
  private readonly where: [number, number][][];

  constructor(
    private readonly a: Analysis,
    private readonly indices: readonly number[],
  ) {
    this.ports = indices.map((j) => servedPorts(a, j));
    const byKey = new Map<string, number>();
    this.where = this.ports.map((list, c) =>
      list.map((p) => {
        let d = byKey.get(p.key);
        if (d === undefined) {
          d = this.distinct.length;
          byKey.set(p.key, d);
          this.distinct.push({ port: p, columns: [] });
        }
        const cols = this.distinct[d].columns;
        cols.push(indices[c]);
        return [d, cols.length - 1];
      }),
    );
  }

  /** For each column, the keys of its declared ports the row's pod may reach. */
  row(r: number): string[][] {
    const src = this.indices[r];
    const answers = this.distinct.map(({ port, columns }) =>
      this.a.engine.matrixRow(port.protocol, port.port, src, columns),
    );
    return this.where.map((list, c) => list.flatMap(([d, pos], k) => (answers[d][pos] ? [this.ports[c][k].key] : [])));
  }
}

function* servedJson(a: Analysis, req: MatrixRequest) {
  const { indices } = req;
  const rows = new ServedRows(a, indices);
  yield `{\n  "mode": "served-ports",\n  "endpoints": [`;
  for (let k = 0; k < indices.length; k++) yield `${k ? ',' : ''}${JSON.stringify(a.endpoints[indices[k]].id)}`;
  yield '],\n  "served": [';
  for (let k = 0; k < indices.length; k++) yield `${k ? ',' : ''}${JSON.stringify(rows.ports[k].map((p) => p.key))}`;
  yield '],\n  "allowed": [\n';
  for (let r = 0; r < indices.length; r++) yield `${r ? ',\n' : ''}    ${JSON.stringify(rows.row(r))}`;
  yield '\n  ]\n}\n';
}

/** Partly allowed pairs listed under the text matrix; the rest are counted (JSON has them all). */
const PARTIAL_LINES = 100;

function* servedText(a: Analysis, req: MatrixRequest) {
  const { indices } = req;
  const rows = new ServedRows(a, indices);
  yield "Reachability on the ports each destination declares: may the row's pod connect to the column's pod?\n";
  yield '(✓ on every declared port, ◐ on some, · on none, - the pod declares no ports; use --port N for any other port)\n';
  const partial: string[] = [];
  let partialCount = 0;
  yield* table(
    req,
    indices.map((i) => a.endpoints[i].id),
    (r) =>
      rows.row(r).map((allowed, c) => {
        const served = rows.ports[c];
        if (served.length === 0) return '-';
        if (allowed.length === served.length) return '✓';
        if (allowed.length === 0) return '·';
        if (partialCount++ < PARTIAL_LINES) {
          const denied = served.filter((s) => !allowed.includes(s.key)).map((s) => s.key);
          partial.push(
            `  ${a.endpoints[indices[r]].id} -> ${a.endpoints[indices[c]].id}: allowed ${allowed.join(', ')}; denied ${denied.join(', ')}`,
          );
        }
        return '◐';
      }),
  );
  if (partialCount) {
    yield '\nPartly allowed (◐):\n';
    for (const line of partial) yield `${line}\n`;
    if (partialCount > partial.length)
      yield `  … and ${(partialCount - partial.length).toLocaleString('en-US')} more pairs (--format json lists the ports of every pair)\n`;
  }
}

// ---- by workload ----

const GROUP_SYMBOL: Record<GroupCell, string> = { all: '✓', some: '◐', none: '·' };

function groupCell(a: Analysis, req: MatrixRequest, from: WorkloadGroup, to: WorkloadGroup): GroupCell | undefined {
  return req.port ? workloadPortCell(a, from, to, req.port.protocol, req.port.port) : workloadServedCell(a, from, to);
}

function* workloadsText(a: Analysis, req: MatrixRequest) {
  const groups = workloadGroups(a, req.indices);
  const pods = plural(req.indices.length, 'pod');
  const what = req.port ? `${req.port.protocol}/${req.port.port}` : 'the ports each destination declares';
  yield `Reachability by workload on ${what}: may the row's workload open connections to the column's?\n`;
  yield `(✓ every pod pair, ◐ some, · none${req.port ? '' : ', - declares no ports'}; ${plural(groups.length, 'workload')}, ${pods}${
    req.groupedBySize
      ? `, grouped because there are more than ${GROUP_WORKLOADS_ABOVE.toLocaleString('en-US')}: --group pods shows every pod`
      : ''
  })\n`;
  const counts: Record<GroupCell, number> = { all: 0, some: 0, none: 0 };
  yield* table(
    req,
    groups.map((g) => `${g.label} (${g.pods.length})`),
    (r) =>
      groups.map((to) => {
        const cell = groupCell(a, req, groups[r], to);
        if (cell === undefined) return '-';
        counts[cell]++;
        return GROUP_SYMBOL[cell];
      }),
  );
  yield `\n${counts.all} workload pairs allowed for every pod pair, ${counts.some} for some, ${counts.none} for none.\n`;
  yield '\nPods of each workload:\n';
  const num = String(groups.length).length;
  for (const [k, g] of groups.entries())
    yield `${String(k + 1).padStart(num)} ${g.label}: ${g.pods.map((i) => a.endpoints[i].id).join(', ')}\n`;
}

function* workloadsJson(a: Analysis, req: MatrixRequest) {
  const groups = workloadGroups(a, req.indices);
  yield '{\n  "group": "workloads",\n';
  if (req.port) yield `  "port": ${req.port.port},\n  "protocol": ${JSON.stringify(req.port.protocol)},\n`;
  else yield '  "mode": "served-ports",\n';
  yield '  "workloads": [';
  for (const [k, g] of groups.entries())
    yield `${k ? ',' : ''}\n    ${JSON.stringify({ id: g.id, kind: g.kind, pods: g.pods.map((i) => a.endpoints[i].id) })}`;
  yield groups.length ? '\n  ],\n' : '],\n';
  if (!req.port) {
    yield '  "served": [';
    for (const [k, g] of groups.entries()) yield `${k ? ',' : ''}${JSON.stringify(g.served.map((p) => p.key))}`;
    yield '],\n';
  }
  yield '  "allowed": [\n';
  for (const [r, from] of groups.entries())
    yield `${r ? ',\n' : ''}    ${JSON.stringify(groups.map((to) => groupCell(a, req, from, to) ?? null))}`;
  yield '\n  ]\n}\n';
}

// ---- the text table ----

/**
 * Numbered columns, one labelled line per row (`row(r)` gives its cells as it is written). When the
 * table is wider than the terminal, a line before it says so and what to do instead.
 */
function* table(req: MatrixRequest, labels: readonly string[], row: (r: number) => string[]): Generator<string> {
  let width = 0;
  for (const s of labels) width = Math.max(width, s.length);
  const num = String(labels.length).length;
  const lineWidth = num + 1 + width + 2 + labels.length * (num + 1) - 1;
  if (lineWidth > req.columns) {
    const instead = [
      ...(req.namespaceGiven ? [] : ['--namespace NS for one namespace']),
      ...(req.group === 'pods' ? ['--group workloads'] : []),
      '--format json',
    ];
    yield `Note: this table is ${lineWidth.toLocaleString('en-US')} characters wide, wider than the terminal (${req.columns} columns); try ${instead.join(', or ')}.\n`;
  }
  yield '\n';
  const head: string[] = [];
  for (let k = 0; k < labels.length; k++) head.push(String(k + 1).padStart(num));
  yield `${' '.repeat(num + 1 + width)}  ${head.join(' ')}\n`;
  for (let r = 0; r < labels.length; r++) {
    const cells = row(r);
    for (let c = 0; c < cells.length; c++) cells[c] = cells[c].padStart(num);
    yield `${String(r + 1).padStart(num)} ${labels[r].padEnd(width)}  ${cells.join(' ')}\n`;
  }
}
