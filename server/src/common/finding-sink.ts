/**
 * The one way every stage reports a finding: a sink that takes typed rule ids
 * from the registry. Stages take a sink as a parameter and report into it;
 * whoever made the sink reads `findings` at the end.
 */
import type { Finding, FindingTag, Fix, RelatedInfo, Severity } from './finding';
import type { RuleId } from './rule-registry';
import type { Span } from './source';

export interface FindingExtras {
  readonly related?: readonly RelatedInfo[];
  readonly fixes?: readonly Fix[];
  readonly tags?: readonly FindingTag[];
}

export class FindingSink {
  private readonly list: Finding[] = [];
  private errors = 0;

  get findings(): readonly Finding[] {
    return this.list;
  }

  /** How many error findings were reported so far: readers compare it before and after an object. */
  get errorCount(): number {
    return this.errors;
  }

  get hasErrors(): boolean {
    return this.errors > 0;
  }

  report(rule: RuleId, severity: Severity, message: string, span: Span, extras: FindingExtras = {}): void {
    const finding: { -readonly [K in keyof Finding]: Finding[K] } = { rule, severity, message, span };
    if (extras.related) finding.related = extras.related;
    if (extras.fixes) finding.fixes = extras.fixes;
    if (extras.tags) finding.tags = extras.tags;
    this.add([finding]);
  }

  /** Findings made elsewhere (another sink, a cached parse). */
  add(findings: Iterable<Finding>): void {
    for (const f of findings) {
      this.list.push(f);
      if (f.severity === 'error') this.errors++;
    }
  }
}
