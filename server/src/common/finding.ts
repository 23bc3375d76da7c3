import type { RuleId } from './rule-registry';
import type { Severity } from './severity';
import type { Span } from './source';

export { type Severity, severityRank } from './severity';

/** A replacement of the text at `span` (an insertion when the span is empty). */
export interface TextEdit {
  readonly span: Span;
  readonly newText: string;
}

/**
 * A file a fix creates, with its whole text. The adapters never overwrite: an
 * editor refuses the fix when the file exists, the CLI says so.
 */
export interface FileCreation {
  /** A file system path, beside the file the fix was computed from. */
  readonly path: string;
  /** The URI, when the sibling file came from an editor. */
  readonly uri?: string;
  readonly text: string;
}

export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
  /** Files the fix creates (applied before `edits`, which never touch them). */
  readonly createFiles?: readonly FileCreation[];
  /** The fix the user most likely wants (LSP `isPreferred`). */
  readonly preferred?: boolean;
}

export interface RelatedInfo {
  readonly span: Span;
  readonly message: string;
}

/**
 * Something worth telling the user about the manifests: a YAML error, a field
 * of the wrong type, a policy that opens too much. Findings are produced by
 * every stage and presented by the adapters (LSP diagnostics, CLI output).
 */
export interface Finding {
  /** The rule's id in the registry (common/rule-registry.ts), e.g. `yaml-syntax`; documented in docs/rules/<id>.md. */
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  readonly fixes?: readonly Fix[];
  readonly related?: readonly RelatedInfo[];
  /** What the finding says about its text: `unnecessary` text has no effect (editors fade it out). */
  readonly tags?: readonly FindingTag[];
}

export type FindingTag = 'unnecessary' | 'deprecated';

export function compareFindings(a: Finding, b: Finding): number {
  if (a.span.file.path !== b.span.file.path) return a.span.file.path < b.span.file.path ? -1 : 1;
  if (a.span.start !== b.span.start) return a.span.start - b.span.start;
  if (a.rule !== b.rule) return a.rule < b.rule ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}
