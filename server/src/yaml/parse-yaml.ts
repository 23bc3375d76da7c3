/**
 * The yaml stage: multi-document YAML (or JSON) text -> documents whose every
 * node keeps its source range. Syntax errors become findings with ranges; a
 * broken document does not hide the other documents of its file.
 */
import { type Document, parseAllDocuments, visit, type YAMLError } from 'yaml';
import type { Finding } from '../common/finding';
import { type SourceFile, span } from '../common/source';
import { sourceRole } from './source-role';
import { FindingSink } from '../common/finding-sink';
import { LIMITS, limitText, overFileLimit } from '../common/limits';
import { OutOfTime, type TimeBudget } from '../common/time-budget';
import { checkDocument } from './document-check';
import { documentStarts, tooDeepAt } from './text-scan';
import { fastParseAllDocuments, fastRead } from './fast-yaml';

/**
 * Which reader parses YAML: `fast` (fast-yaml.ts, which hands any text outside
 * its subset to the package) or `package` (the `yaml` package alone). The
 * environment variable NETPOL_YAML_READER=package selects the package, to
 * rule the fast reader out when a parse looks wrong.
 */
export const yamlReader: { mode: 'fast' | 'package' } = {
  mode: process.env.NETPOL_YAML_READER === 'package' ? 'package' : 'fast',
};

export interface ParsedDocument {
  /** 0-based index of the document in its file. */
  readonly index: number;
  readonly doc: Document.Parsed;
  /** [start, end) offsets of the whole document. */
  readonly start: number;
  readonly end: number;
  /** False when the document has syntax errors or is a template: later stages skip it. */
  readonly usable: boolean;
}

export interface ParsedFile {
  readonly file: SourceFile;
  readonly documents: readonly ParsedDocument[];
  readonly findings: readonly Finding[];
}

/** `{{ ... }}` as Helm and other Go-template tools write it. */
const TEMPLATE_DIRECTIVE = /\{\{-?[\s\S]*?-?\}\}/g;

/** Scalar styles whose text is a string whatever it holds: `{{ }}` there is text, not templating. */
const STRING_STYLES = new Set(['QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED']);

/**
 * The first template directive of a document that templates it: one outside
 * quoted and block strings (a plain value, a key, a line of its own that breaks
 * the YAML). Directives inside strings (an annotation saying "{{ .Release.Name }}",
 * an Alertmanager template in a ConfigMap) are text, and the document is analysed.
 */
function templateDirective(
  text: string,
  start: number,
  end: number,
  doc: Document,
): { start: number; end: number } | undefined {
  const slice = text.slice(start, end);
  if (!slice.includes('{{')) return undefined;
  let strings: [number, number][] | undefined;
  for (const m of slice.matchAll(TEMPLATE_DIRECTIVE)) {
    const s = start + (m.index ?? 0);
    const e = s + m[0].length;
    if (!strings) {
      const found: [number, number][] = [];
      visit(doc, {
        Scalar(_, node) {
          if (node.range && STRING_STYLES.has(String(node.type))) found.push([node.range[0], node.range[1]]);
        },
      });
      strings = found;
    }
    if (!strings.some(([a, b]) => a <= s && e <= b)) return { start: s, end: e };
  }
  return undefined;
}

/** The stage name a budget spent while parsing gives the analysis (`Analysis.stoppedIn`). */
export const READING_STAGE = 'reading the files';

/**
 * Parses `files` in order while the time budget lasts. Each file left when it has run out is kept
 * with no documents and one limit-exceeded warning on its first line, so the editor and the CLI show
 * where reading stopped; the budget then says it stopped while reading, and every later stage stops
 * at its first check (the analysis is partial, engine/analysis.ts). One file's parse is bounded by
 * the file limits, so checking between files is enough.
 */
export function parseFiles(files: readonly SourceFile[], budget?: TimeBudget): ParsedFile[] {
  return parseEach(files, budget, (parsed) => parsed);
}

/**
 * parseFiles, handing each file's parse to `use` before the next file is parsed. A caller that
 * keeps only what it reads from a parse lets the file's YAML nodes go at once: held for every file
 * until the last was parsed, they were 170 MB at 50,000 pods, all copied by the garbage collector.
 */
export function parseEach<T>(
  files: readonly SourceFile[],
  budget: TimeBudget | undefined,
  use: (parsed: ParsedFile) => T,
): T[] {
  let read = files.length;
  return files.map((file, i) => {
    if (i < read)
      try {
        budget?.check(READING_STAGE);
        return use(parseFile(file));
      } catch (e) {
        if (!(e instanceof OutOfTime)) throw e;
        read = i;
      }
    return use(unreadForTime(file, read, files.length, budget as TimeBudget));
  });
}

function unreadForTime(file: SourceFile, read: number, count: number, budget: TimeBudget): ParsedFile {
  const sink = new FindingSink();
  sink.report(
    'limit-exceeded',
    'warning',
    `This file is not analysed: the analysis's time budget of ${Number((budget.ms / 1000).toPrecision(2))} s ran out while reading the files, after ${read} of ${count}.`,
    span(file, 0, Math.min(file.text.length, firstLineEnd(file.text))),
  );
  return { file, documents: [], findings: sink.findings };
}

export function parseFile(file: SourceFile): ParsedFile {
  const sink = new FindingSink();
  const findings = sink.findings;
  if (overFileLimit(file.size)) {
    sink.report(
      'limit-exceeded',
      'warning',
      `This file is ${(file.size / 1024 / 1024).toFixed(1)} MB; files over ${limitText('fileBytes')} are not analysed.`,
      span(file, 0, Math.min(file.text.length, firstLineEnd(file.text))),
    );
    return { file, documents: [], findings };
  }
  // flannel's own files (net-conf.json, lease exports) are JSON or etcdctl output, read by the network stage.
  const role = sourceRole(file.path);
  if (role === 'flannel-net-conf' || role === 'flannel-leases') return { file, documents: [], findings };
  const nul = file.text.indexOf('\u0000');
  if (nul >= 0) {
    sink.report(
      'yaml-syntax',
      'error',
      'This file is not text (it contains NUL bytes), so it is not analysed.',
      span(file, 0, Math.min(file.text.length, firstLineEnd(file.text), 80)),
    );
    return { file, documents: [], findings };
  }

  // The fast reader first, on the text as it is. When its documents are fewer than the limit
  // and nest less deeply than it, even as text-scan.ts counts (fast-yaml.ts, nestingBound),
  // guardedText would find nothing to cut or blank, and its scan is skipped.
  const documents: ParsedDocument[] = [];
  const fast = yamlReader.mode === 'fast' ? fastRead(file.text) : undefined;
  let docs = fast?.documents;
  let skipped: [number, number][] = [];
  if (!fast || fast.documents.length >= LIMITS.documentsPerFile || fast.nestingBound > LIMITS.nestingDepth) {
    const guarded = guardedText(file, sink);
    skipped = guarded.skipped;
    try {
      // YAML 1.2 core schema, as editors read it. Where kubectl's YAML 1.1 reading
      // differs (`yes`, `on`, `off` are booleans there), the reader warns. Duplicate
      // keys are found by document-check.ts: the package's own check is quadratic.
      if (!fast || guarded.text !== file.text)
        docs =
          (fast && skipped.length === 0 ? fastParseAllDocuments(guarded.text) : undefined) ??
          (parseAllDocuments(guarded.text, { prettyErrors: false, uniqueKeys: false }) as Document.Parsed[]);
    } catch (e) {
      sink.report(
        'yaml-syntax',
        'error',
        `The YAML parser failed on this file: ${(e as Error).message}`,
        span(file, 0, firstLineEnd(file.text)),
      );
      return { file, documents, findings };
    }
  }
  if (!Array.isArray(docs)) docs = [];

  docs.forEach((doc, index) => {
    const [start, , end] = doc.range;
    if (skipped.some(([s, e]) => s < Math.max(end, start + 1) && start < e)) {
      documents.push({ index, doc, start, end, usable: false });
      return;
    }
    const template = templateDirective(file.text, start, end, doc);
    if (template) {
      // A Helm chart template is not YAML until rendered: say so once, quietly, and skip it.
      sink.report(
        'template-not-analysed',
        'info',
        'This document contains template directives ({{ … }}), so it is not analysed. Render it first (e.g. `helm template`) and open or lint the output.',
        span(file, template.start, template.end),
      );
      documents.push({ index, doc, start, end, usable: false });
      return;
    }
    reportSyntaxErrors(file, doc.errors, 'error', sink);
    reportSyntaxErrors(file, doc.warnings, 'warning', sink);
    const usable = doc.errors.length === 0 && checkDocument(file, doc, sink);
    documents.push({ index, doc, start, end, usable });
  });
  return { file, documents, findings };
}

/**
 * The text the parser is given: documents past the per-file limit cut off, and
 * documents nested deeper than the limit blanked out (line breaks kept, so
 * every offset stays exact). Returns the blanked ranges.
 */
function guardedText(file: SourceFile, sink: FindingSink): { text: string; skipped: [number, number][] } {
  const starts = documentStarts(file.text);
  let end = file.text.length;
  if (starts.length > LIMITS.documentsPerFile) {
    end = starts[LIMITS.documentsPerFile];
    sink.report(
      'limit-exceeded',
      'warning',
      `This file has ${starts.length.toLocaleString('en-US')} documents; only the first ${limitText('documentsPerFile')} are analysed, from here on they are not.`,
      span(file, end, Math.min(end + 3, file.text.length)),
    );
  }
  const skipped: [number, number][] = [];
  const pieces: string[] = [];
  let from = 0;
  for (let k = 0; k < starts.length && starts[k] < end; k++) {
    const s = starts[k];
    const e = k + 1 < starts.length ? Math.min(starts[k + 1], end) : end;
    const deep = tooDeepAt(file.text, s, e);
    if (deep === undefined) continue;
    sink.report(
      'limit-exceeded',
      'warning',
      `This document nests deeper than ${limitText('nestingDepth')} levels here, so it is not analysed.`,
      span(file, deep, Math.min(deep + 1, file.text.length)),
    );
    // Keep a `---` marker so the document is still there (empty) and the others keep their places.
    const keep = /^(?:---|\.\.\.)/.test(file.text.slice(s, s + 3)) ? s + 3 : s;
    pieces.push(file.text.slice(from, keep), nullDocument(file.text.slice(keep, e).replace(/[^\r\n]/g, ' '), keep > s));
    from = e;
    skipped.push([s, e]);
  }
  if (from === 0 && end === file.text.length) return { text: file.text, skipped };
  pieces.push(file.text.slice(from, end));
  return { text: pieces.join(''), skipped };
}

/** Blanked text with a `~` (null) in it, so the document is still there for the parser, empty. */
function nullDocument(blank: string, afterMarker: boolean): string {
  let k = blank.indexOf(' ');
  if (k === 0 && afterMarker) k = blank[1] === ' ' ? 1 : -1;
  return k < 0 ? blank : `${blank.slice(0, k)}~${blank.slice(k + 1)}`;
}

/** At most this many syntax errors are reported per document; one broken line often cascades. */
export const MAX_SYNTAX_FINDINGS = 5;

function reportSyntaxErrors(
  file: SourceFile,
  errors: readonly YAMLError[],
  severity: 'error' | 'warning',
  sink: FindingSink,
): void {
  const tooDeep = errors.find((e) => /call stack/i.test(e.message));
  if (tooDeep) {
    const [s] = tooDeep.pos;
    sink.report(
      'yaml-syntax',
      severity,
      'YAML: this document is nested too deeply to parse, so it is not analysed.',
      span(file, s, Math.min(file.text.length, s + 1)),
    );
    return;
  }
  for (const err of errors.slice(0, MAX_SYNTAX_FINDINGS)) {
    const [s, e] = err.pos;
    // The parser's message repeats the position; the range already carries it.
    const message = err.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
    sink.report(
      'yaml-syntax',
      severity,
      `YAML: ${message}`,
      span(file, s, Math.max(e, s + 1 <= file.text.length ? s + 1 : s)),
    );
  }
  if (errors.length > MAX_SYNTAX_FINDINGS) {
    const [s, e] = errors[MAX_SYNTAX_FINDINGS].pos;
    const more = errors.length - MAX_SYNTAX_FINDINGS;
    sink.report(
      'yaml-syntax',
      severity,
      `YAML: ${more} more ${severity === 'error' ? 'syntax error' : 'warning'}${more === 1 ? '' : 's'} in this document, from here on; fix the ones above first.`,
      span(file, s, Math.max(e, s)),
    );
  }
}

function firstLineEnd(text: string): number {
  const nl = text.indexOf('\n');
  return nl < 0 ? text.length : nl;
}
