/** Collecting the policy stage's findings about one object, and whether any of them is an error. */
import type { Finding, RelatedInfo, Severity } from '../../common/finding';
import type { Span } from '../../common/source';

export class FindingSink {
  readonly findings: Finding[] = [];

  report(rule: string, severity: Severity, message: string, span: Span, related?: RelatedInfo[]): void {
    this.findings.push({ rule, severity, message, span, related });
  }

  /** An `invalid-field` error: Calico's validator would reject the object. */
  error(message: string, span: Span, related?: RelatedInfo[]): void {
    this.report('invalid-field', 'error', message, span, related);
  }

  /** A `field-not-simulated` note: the field is read but outside the pod-to-pod model. */
  notSimulated(message: string, span: Span): void {
    this.report('field-not-simulated', 'info', message, span);
  }

  get hasErrors(): boolean {
    return this.findings.some((f) => f.severity === 'error');
  }
}
