/**
 * `netpol test`: NetworkIntents run like unit tests. One line per intent
 * (✓ passed, ✗ failed, with the failing pairs and what decided the first), a
 * summary `N passed, N failed`; `--format json` and `--format junit` (one
 * testcase per intent) for CI. An intent that tests nothing, and a
 * NetworkIntent the reader rejected, count as failed: an empty test must not
 * pass a pipeline.
 */
import type { Finding } from '../common/finding';
import { rangeOf, type Span } from '../common/source';
import type { Analysis } from '../engine/analysis';
import { evaluateIntents, failureText, type IntentResult } from '../engine/intents';
import { displayPath } from './lint-output';

export interface IntentTestCase {
  /** `namespace/name` of the NetworkIntent. */
  readonly suite: string;
  readonly name: string;
  readonly span: Span;
  readonly status: 'passed' | 'failed';
  /** One line: why it failed. */
  readonly message?: string;
  /** More lines: what decided the first failing pair. */
  readonly details: readonly string[];
  readonly result?: IntentResult;
}

export interface IntentTestReport {
  readonly cases: readonly IntentTestCase[];
  readonly passed: number;
  readonly failed: number;
}

function within(f: Finding, s: Span): boolean {
  return f.span.file === s.file && f.span.start >= s.start && f.span.end <= s.end;
}

export function intentTestReport(a: Analysis): IntentTestReport {
  const cases: IntentTestCase[] = [];
  for (const r of evaluateIntents(a)) {
    const suite = `${r.set.meta.namespace}/${r.set.meta.name}`;
    const base = { suite, name: r.intent.name.value, span: r.intent.expect.span, result: r };
    if (r.status === 'passed') cases.push({ ...base, status: 'passed', details: [] });
    else if (r.status === 'empty')
      cases.push({
        ...base,
        status: 'failed',
        message: `tests nothing: ${r.problem?.message ?? 'no pair'}`,
        details: [],
      });
    else
      cases.push({
        ...base,
        status: 'failed',
        message: failureText(r),
        details: [
          ...(r.deciding ? [`first pair: ${r.deciding.text}`] : []),
          ...(r.deciding?.related ?? []).map((x) => `see ${x.message} (${where(x.span)})`),
        ],
      });
  }
  // NetworkIntents (or intents) the reader rejected: their errors, as failed cases.
  const objects = a.cluster.objects.filter((o) => o.meta.kind === 'NetworkIntent');
  for (const o of objects) {
    for (const f of a.cluster.findings) {
      if (f.severity !== 'error' || !within(f, o.meta.span)) continue;
      cases.push({
        suite: `${o.meta.namespace ?? 'default'}/${o.meta.name}`,
        name: '(not read)',
        span: f.span,
        status: 'failed',
        message: f.message,
        details: [],
      });
    }
  }
  cases.sort((x, y) =>
    x.span.file.path !== y.span.file.path
      ? x.span.file.path < y.span.file.path
        ? -1
        : 1
      : x.span.start - y.span.start,
  );
  const passed = cases.filter((c) => c.status === 'passed').length;
  return { cases, passed, failed: cases.length - passed };
}

function where(s: Span): string {
  return `line ${rangeOf(s).start.line + 1}`;
}

function location(s: Span, cwd: string): string {
  const r = rangeOf(s);
  return `${displayPath(s.file.path, cwd)}:${r.start.line + 1}:${r.start.character + 1}`;
}

/** `N passed, N failed` (the summary line is part of the CLI contract). */
function testSummary(r: IntentTestReport): string {
  return `${r.passed} passed, ${r.failed} failed`;
}

export function testText(r: IntentTestReport, cwd: string): string {
  const lines: string[] = [];
  let suite = '';
  for (const c of r.cases) {
    const header = `NetworkIntent ${c.suite} (${displayPath(c.span.file.path, cwd)})`;
    if (header !== suite) {
      if (suite) lines.push('');
      lines.push(header);
      suite = header;
    }
    if (c.status === 'passed') lines.push(`  ✓ ${c.name}`);
    else {
      lines.push(`  ✗ ${c.name}: ${c.message} (${location(c.span, cwd)})`);
      for (const d of c.details) lines.push(`      ${d}`);
    }
  }
  if (lines.length) lines.push('');
  lines.push(testSummary(r));
  return `${lines.join('\n')}\n`;
}

export function testJson(r: IntentTestReport, cwd: string): string {
  return `${JSON.stringify(
    {
      passed: r.passed,
      failed: r.failed,
      intents: r.cases.map((c) => {
        const range = rangeOf(c.span);
        return {
          intent: c.name,
          networkIntent: c.suite,
          file: displayPath(c.span.file.path, cwd),
          line: range.start.line + 1,
          column: range.start.character + 1,
          expect: c.result?.intent.expect.value,
          status: c.status,
          ...(c.message ? { message: c.message } : {}),
          ...(c.result && c.result.status !== 'empty'
            ? { pairs: c.result.pairs, failedPairs: c.result.failedCount, failing: c.result.failing }
            : {}),
          ...(c.result?.deciding ? { decidedBy: c.result.deciding.text } : {}),
        };
      }),
    },
    null,
    2,
  )}\n`;
}

function xml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}

/** JUnit XML: one testsuite per NetworkIntent, one testcase per intent. */
export function testJunit(r: IntentTestReport, cwd: string): string {
  const suites = new Map<string, IntentTestCase[]>();
  for (const c of r.cases) {
    const list = suites.get(c.suite) ?? [];
    list.push(c);
    suites.set(c.suite, list);
  }
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="netpol test" tests="${r.cases.length}" failures="${r.failed}">`,
  ];
  for (const [suite, cases] of suites) {
    const failures = cases.filter((c) => c.status === 'failed').length;
    const file = displayPath(cases[0].span.file.path, cwd);
    out.push(
      `  <testsuite name="${xml(`NetworkIntent ${suite}`)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" file="${xml(file)}">`,
    );
    for (const c of cases) {
      const line = rangeOf(c.span).start.line + 1;
      const open = `    <testcase name="${xml(c.name)}" classname="${xml(suite)}" file="${xml(displayPath(c.span.file.path, cwd))}" line="${line}"`;
      if (c.status === 'passed') out.push(`${open}/>`);
      else {
        out.push(`${open}>`);
        out.push(
          `      <failure message="${xml(c.message ?? 'failed')}" type="${c.result?.status === 'failed' ? 'intent-violated' : c.result ? 'intent-tests-nothing' : 'invalid-field'}">${xml([`${location(c.span, cwd)}: ${c.message}`, ...c.details].join('\n'))}</failure>`,
        );
        out.push('    </testcase>');
      }
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
