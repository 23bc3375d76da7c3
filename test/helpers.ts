/** Shared test helpers: analyse YAML text, run the CLI in-process, locate the shared conformance cases. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Finding } from '../server/src/common/finding';
import { rangeOf, SourceFile } from '../server/src/common/source';
import { run } from '../server/src/cli/run';
import { type Analysis, type AnalysisOptions, analyzeSources } from '../server/src/engine/analysis';
import { lint } from '../server/src/lint';
import type { Protocol } from '../server/src/model/kubernetes';

export const ROOT = resolve(__dirname, '..');

/** The shared conformance cases: ../shared/conformance beside the project, or a copy under test/fixtures. */
export function conformanceDir(part: string): string {
  const candidates = [
    resolve(ROOT, '..', 'shared', 'conformance', part),
    join(ROOT, 'test', 'fixtures', 'conformance', part),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`conformance cases not found; looked in ${candidates.join(', ')}`);
  return found;
}

/** Analyses one or more YAML texts (named m0.yaml, m1.yaml, …). */
export function analyzeYaml(texts: string | readonly string[], options: AnalysisOptions = {}): Analysis {
  const list = typeof texts === 'string' ? [texts] : texts;
  return analyzeSources(
    list.map((t, i) => new SourceFile(`m${i}.yaml`, t)),
    options,
  );
}

export function lintYaml(texts: string | readonly string[]): Finding[] {
  return lint(analyzeYaml(texts));
}

/** May pod `from` reach pod `to` (ids `ns/name`)? */
export function canReach(a: Analysis, from: string, to: string, port = 80, protocol: Protocol = 'TCP'): boolean {
  const i = a.engine.indexOf(from);
  const j = a.engine.indexOf(to);
  if (i === undefined || j === undefined)
    throw new Error(`unknown pod ${i === undefined ? from : to}; pods: ${a.endpoints.map((e) => e.id).join(', ')}`);
  return a.engine.allowed(i, j, protocol, port);
}

/** A finding as `rule@line:col` (1-based), for compact assertions. */
export function where(f: Finding): string {
  const r = rangeOf(f.span);
  return `${f.rule}@${r.start.line + 1}:${r.start.character + 1}`;
}

/** The one finding of `rule` whose message matches `text` (fails listing every finding otherwise). */
export function oneFinding(findings: readonly Finding[], rule: string, text: RegExp): Finding {
  const hits = findings.filter((f) => f.rule === rule && text.test(f.message));
  if (hits.length !== 1)
    throw new Error(
      `expected one ${rule} finding matching ${text}, got ${hits.length}:\n${findings.map((f) => `${where(f)} ${f.message}`).join('\n')}`,
    );
  return hits[0];
}

/** The text a finding's span covers. */
export function spanned(f: Finding): string {
  return f.span.file.text.slice(f.span.start, f.span.end);
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function cli(args: readonly string[], cwd = ROOT): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    cwd,
    out: (t) => {
      stdout += t;
    },
    err: (t) => {
      stderr += t;
    },
  });
  return { code, stdout, stderr };
}

/**
 * YAML written as an indented block in a template literal: drops the newline
 * after the opening backtick and the indentation common to all non-blank lines.
 * A multi-line value interpolated after only spaces on its line continues at
 * that indentation, so `${spec}` written under `spec:` nests all of the spec.
 */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  let raw = strings[0];
  for (const [i, value] of values.entries()) {
    const before = raw.slice(raw.lastIndexOf('\n') + 1);
    const margin = /^ *$/.test(before) ? before : '';
    raw += String(value).replace(/\n(?=.)/g, `\n${margin}`) + strings[i + 1];
  }
  const lines = raw.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** Applies non-overlapping text edits (offsets in `text`). */
export function applyEdits(
  text: string,
  edits: readonly { span: { start: number; end: number }; newText: string }[],
): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.span.start - a.span.start))
    out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

/** A finding as it would compare across two lint runs: rule, position, message (fixes and spans left out). */
function findingKey(f: Finding): string {
  const r = rangeOf(f.span);
  return `${f.span.file.path}:${r.start.line + 1}:${r.start.character + 1} ${f.rule} ${f.severity} ${f.message}`;
}

/**
 * Findings that follow from which pods are isolated (non-isolated-pods, missing-default-deny,
 * dns-blocked for egress, and unreachable-workload for a workload nothing reaches any more, or
 * again): a fix that changes which pods a policy isolates, or narrows what an egress rule admits,
 * legitimately changes them (`allowChanged`). A default-deny fix no longer causes dns-blocked (it
 * allows DNS), but it may resolve one.
 */
export const ISOLATION_FINDINGS = / (non-isolated-pods|missing-default-deny|dns-blocked|unreachable-workload) /;

/**
 * The contract every fix keeps: applying its edits (to the files they name)
 * makes its finding go away, and no other finding appears or changes, except
 * the ones `allowChanged` matches (a fix that moves lines shifts later findings).
 * Files the fix creates are added to the workspace (never over an existing one).
 * Returns the fixed texts, in the order of `texts`, then the created files' texts.
 */
export function assertFixWorks(
  texts: readonly string[],
  pick: (f: Finding) => boolean,
  options: { fix?: number; allowChanged?: RegExp; analysis?: AnalysisOptions } = {},
): string[] {
  const files = texts.map((t, i) => new SourceFile(`m${i}.yaml`, t));
  const before = lint(analyzeSources(files, options.analysis));
  const target = before.find(pick);
  if (!target) throw new Error(`no finding to fix among:\n${before.map(findingKey).join('\n')}`);
  const fix = target.fixes?.[options.fix ?? 0];
  if (!fix) throw new Error(`the finding has no fix ${options.fix ?? 0}: ${findingKey(target)}`);
  const fixed = files.map((f) =>
    applyEdits(
      f.text,
      fix.edits.filter((e) => e.span.file === f),
    ),
  );
  for (const c of fix.createFiles ?? []) {
    if (files.some((f) => f.path === c.path)) throw new Error(`the fix would overwrite ${c.path}`);
    if (fix.edits.some((e) => e.span.file.path === c.path)) throw new Error(`the fix also edits ${c.path}`);
  }
  const created = (fix.createFiles ?? []).map((c) => new SourceFile(c.path, c.text));
  const after = lint(
    analyzeSources([...fixed.map((t, i) => new SourceFile(`m${i}.yaml`, t)), ...created], options.analysis),
  );
  const keys = (list: readonly Finding[]) => list.map(findingKey).filter((k) => !options.allowChanged?.test(k));
  const expected = keys(before.filter((f) => f !== target));
  const got = keys(after);
  if (JSON.stringify(got) !== JSON.stringify(expected)) {
    throw new Error(
      `after "${fix.title}", findings differ.\nexpected (all but the fixed one):\n${expected.join('\n')}\ngot:\n${got.join('\n')}\nfixed text:\n${fixed.join('\n---8<---\n')}`,
    );
  }
  return [...fixed, ...created.map((c) => c.text)];
}

/**
 * A time budget's clock for tests (no timed assertions): it reads 0 until it is read from a
 * function whose stack names `where`, and 1e9 from then on.
 */
export function clockRunningOutIn(where: string): () => number {
  let out = false;
  return () => {
    out ||= (new Error().stack ?? '').includes(where);
    return out ? 1e9 : 0;
  };
}
