/**
 * The reachability matrix panel's requests (protocol: Requests.matrix and
 * Requests.explainCell), answered from ide/reachability-matrix.ts, and the
 * notification after every analysis that makes an open panel ask again (the
 * panel follows the analysis as the user types). The diff mode compares with
 * the files as saved, or as the client read them at a git revision.
 */
import { fileURLToPath } from 'node:url';
import { SourceFile, type Span } from '../common/source';
import type { Analysis } from '../engine/analysis';
import { diffReachability, type ReachabilityDiff } from '../engine/reachability-diff';
import { explainCell, reachabilityMatrix } from '../ide/reachability-matrix';
import {
  type AnalysisChangedParams,
  type CellParams,
  type CellResult,
  type DiffBase,
  type MatrixParams,
  type MatrixResult,
  Notifications,
  Requests,
  type RevealTarget,
} from '../protocol/netpol-protocol';
import { type ParsedFile, parseFile } from '../yaml/parse-yaml';
import type { Feature } from './feature';
import { type Session, type Snapshot, uriOfFile } from './session';
import { memoized } from '../common/memo';

function reveal(span: Span): RevealTarget {
  const start = span.file.positionAt(span.start);
  const end = span.file.positionAt(span.end);
  return {
    uri: uriOfFile(span.file),
    line: start.line,
    character: start.character,
    endLine: end.line,
    endCharacter: end.character,
  };
}

/** Revision texts parsed once per (uri, text). */
const revisionParses = new Map<string, { text: string; parsed: ParsedFile }>();

function parseRevisionFile(uri: string, text: string): ParsedFile {
  const hit = revisionParses.get(uri);
  if (hit && hit.text === text) return hit.parsed;
  const path = uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  const parsed = parseFile(new SourceFile(path, text, uri));
  revisionParses.set(uri, { text, parsed });
  return parsed;
}

/** The analysis a diff base stands for. */
export function baseAnalysis(session: Session, base: DiffBase): Analysis {
  if (base.kind === 'saved') return session.workspace.savedAnalysis();
  const replaced = new Map<string, ParsedFile | null>();
  for (const f of base.files) replaced.set(f.uri, f.text === null ? null : parseRevisionFile(f.uri, f.text));
  for (const uri of revisionParses.keys()) if (!replaced.has(uri)) revisionParses.delete(uri);
  return session.workspace.savedAnalysis(replaced);
}

const diffs = new WeakMap<Analysis, WeakMap<Analysis, ReachabilityDiff>>();

function diffOf(before: Analysis, after: Analysis): ReachabilityDiff {
  const byAfter = memoized(diffs, before, () => new WeakMap<Analysis, ReachabilityDiff>());
  return memoized(byAfter, after, () => diffReachability(before, after));
}

function baseName(base: DiffBase): string {
  return base.kind === 'saved' ? 'the saved files' : base.ref;
}

export function matrixResult(
  session: Session,
  snapshot: Snapshot,
  params: MatrixParams,
  version: number,
): MatrixResult {
  const a = snapshot.analysis;
  const mode = params.mode === 'pods' ? 'pods' : 'workloads';
  let before: Analysis | undefined;
  let diff: ReachabilityDiff | undefined;
  let diffError: string | undefined;
  if (params.base) {
    try {
      before = baseAnalysis(session, params.base);
      diff = diffOf(before, a);
    } catch (e) {
      diffError = `cannot compare with ${baseName(params.base)}: ${(e as Error).message}`;
    }
  }
  const m = reachabilityMatrix(a, mode, snapshot.findings, diff, before);
  const workloads = m.parties.filter((p) => p.kind !== 'outside').length;
  return {
    version,
    model: {
      title: `Reachability: ${workloads} ${mode === 'pods' ? 'pods' : 'workloads'} and the outside world`,
      mode,
      ports: m.ports,
      endpoints: m.parties.map((p) => ({
        id: p.id,
        label: p.label,
        namespace: p.namespace,
        kind: p.kind,
        problems: p.problems,
      })),
      cells: m.cells,
      ...(diff && params.base
        ? {
            diffSummary: `Compared with ${baseName(params.base)}: ${diff.opened} newly allowed, ${diff.closed} newly denied (+ newly allowed, − newly denied)`,
          }
        : {}),
    },
    ...(diffError ? { diffError } : {}),
  };
}

export function cellResult(session: Session, snapshot: Snapshot, params: CellParams): CellResult {
  const a = snapshot.analysis;
  let diff: ReachabilityDiff | undefined;
  if (params.base) {
    try {
      diff = diffOf(baseAnalysis(session, params.base), a);
    } catch {
      diff = undefined;
    }
  }
  const x = explainCell(a, params.mode === 'pods' ? 'pods' : 'workloads', params.from, params.to, params.port, diff);
  if (!x) return { ok: false, message: `${params.from} or ${params.to} is no longer in the workspace` };
  return {
    ok: true,
    explanation: {
      title: x.title,
      summary: x.summary,
      notes: x.notes,
      directions: x.directions.map((d) => ({
        title: d.title,
        allowed: d.allowed,
        steps: d.steps.map((s) => (s.span ? { text: s.text, reveal: reveal(s.span) } : { text: s.text })),
      })),
    },
  };
}

export const matrixFeature: Feature = {
  register(session) {
    let version = 0;
    session.connection.onRequest(Requests.matrix, async (params: MatrixParams) => {
      const s = await session.snapshotFor();
      return matrixResult(session, s, params ?? { mode: 'workloads' }, version);
    });
    session.connection.onRequest(Requests.explainCell, async (params: CellParams) =>
      cellResult(session, await session.snapshotFor(), params),
    );
    session.onAnalysed(() => {
      version++;
      const p: AnalysisChangedParams = { version };
      void session.connection.sendNotification(Notifications.analysisChanged, p);
    });
  },
};
