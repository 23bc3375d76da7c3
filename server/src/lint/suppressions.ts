/**
 * Suppressions written in the manifests: a comment `# netpol-ignore: ID[,ID]
 * reason` on the line of a finding or on its own line just above it, and an
 * annotation `netpol.studio/ignore: "ID,ID"` on an object, which suppresses
 * those rules' findings inside the object. Suppressed findings are not
 * reported, but counted (and listed with `--show-suppressed`). A suppression
 * naming a rule that does not exist is itself reported (`invalid-config`).
 */
import type { Finding } from '../common/finding';
import type { FindingSink } from '../common/finding-sink';
import { isRuleId, RULE_IDS, type RuleId } from '../common/rule-registry';
import { type SourceFile, type Span, span } from '../common/source';
import { closest } from '../common/text';
import type { Cluster } from '../model/cluster';

const IGNORE_ANNOTATION = 'netpol.studio/ignore';

/** A comment that starts a suppression; what follows is the rule list and an optional reason. */
const COMMENT = /(^|\s)#\s*netpol-ignore:[ \t]*([^\r\n]*)/;

export interface Suppression {
  readonly rules: ReadonlySet<RuleId>;
  /** Where the comment or annotation is written. */
  readonly span: Span;
  readonly reason?: string;
}

/** Why a finding is not reported. */
export interface SuppressedFinding {
  readonly finding: Finding;
  readonly by: Suppression;
}

interface FileSuppressions {
  /** 0-based line -> suppressions that apply to findings starting on it. */
  readonly byLine: Map<number, Suppression[]>;
}

export class Suppressions {
  private readonly files = new Map<SourceFile, FileSuppressions>();
  private readonly objects: { readonly span: Span; readonly suppression: Suppression }[] = [];

  /** Reads every suppression comment and annotation; unknown rule ids are reported into `sink`. */
  constructor(cluster: Cluster, sink: FindingSink) {
    for (const file of cluster.files) this.readComments(file, sink);
    for (const { meta } of cluster.objects) {
      const value = meta.annotations[IGNORE_ANNOTATION];
      if (value === undefined) continue;
      const at = meta.annotationSpans[IGNORE_ANNOTATION] ?? meta.nameSpan;
      const rules = ruleList(value, at, sink);
      if (rules.size) this.objects.push({ span: meta.span, suppression: { rules, span: at } });
    }
  }

  private readComments(file: SourceFile, sink: FindingSink): void {
    const text = file.text;
    if (!text.includes('netpol-ignore')) return;
    const byLine = new Map<number, Suppression[]>();
    const lines = text.split(/\r\n|\r|\n/);
    let offset = 0;
    for (let line = 0; line < lines.length; line++) {
      const l = lines[line];
      const m = COMMENT.exec(l);
      if (m) {
        const start = offset + m.index + m[1].length;
        const at = span(file, start, offset + l.length);
        const parts = /^([\w.-]+(?:\s*,\s*[\w.-]+)*)?\s*(.*)$/.exec(m[2].trim());
        const rules = ruleList(parts?.[1] ?? '', at, sink);
        const suppression: Suppression = { rules, span: at, reason: parts?.[2] || undefined };
        // On its own line, a comment speaks of the next line that is not a comment; after code, of its own line.
        const ownLine = l.slice(0, m.index + m[1].length).trim() === '';
        let target = line;
        if (ownLine) {
          target = line + 1;
          while (target < lines.length && /^\s*(#.*)?$/.test(lines[target])) target++;
        }
        if (rules.size) byLine.set(target, [...(byLine.get(target) ?? []), suppression]);
      }
      offset += l.length + (text[offset + l.length] === '\r' && text[offset + l.length + 1] === '\n' ? 2 : 1);
    }
    if (byLine.size) this.files.set(file, { byLine });
  }

  /** The suppression that applies to a finding, if any. */
  find(f: Finding): Suppression | undefined {
    const lines = this.files.get(f.span.file)?.byLine;
    if (lines) {
      const line = f.span.file.positionAt(f.span.start).line;
      const hit = lines.get(line)?.find((s) => s.rules.has(f.rule));
      if (hit) return hit;
    }
    for (const o of this.objects) {
      if (o.span.file !== f.span.file || !o.suppression.rules.has(f.rule)) continue;
      if (f.span.start >= o.span.start && f.span.end <= o.span.end) return o.suppression;
    }
    return undefined;
  }
}

/** `id,id` or `id id`: the known ids; unknown ones are reported at the list. */
function ruleList(text: string, at: Span, sink: FindingSink): Set<RuleId> {
  const out = new Set<RuleId>();
  for (const id of text.split(/[\s,]+/).filter(Boolean)) {
    if (isRuleId(id)) out.add(id);
    else {
      const guess = closest(id, RULE_IDS);
      sink.report(
        'invalid-config',
        'warning',
        `netpol-ignore: there is no rule "${id}"${guess ? `; did you mean ${guess}?` : ''}, so this suppresses nothing for it.`,
        at,
      );
    }
  }
  if (out.size === 0 && !text.trim())
    sink.report(
      'invalid-config',
      'warning',
      'netpol-ignore: name the rules to suppress (`# netpol-ignore: rule-id reason`).',
      at,
    );
  return out;
}
