/** Reading a metav1.LabelSelector (matchLabels + matchExpressions), with the API server's checks. */
import type { Span } from '../common/source';
import type { RMap } from '../yaml/yaml-reader';
import { labelKeyProblem, labelValueProblem } from './label-syntax';
import { readLabels } from './meta';
import type { LabelSelector, LabelSelectorOperator, LabelSelectorRequirement } from './kubernetes';

const OPERATORS: readonly LabelSelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const SELECTOR_KEYS = ['matchLabels', 'matchExpressions'];

/**
 * Reads `parent[key]` as a label selector. A missing or null selector reads as
 * the empty selector (which selects everything), located at `fallback`.
 */
export function readLabelSelector(parent: RMap, key: string, fallback: Span): LabelSelector {
  const m = parent.map(key);
  if (!m) return emptySelector(parent.keySpan(key) ?? fallback);
  m.checkKeys(SELECTOR_KEYS, 'a label selector');
  const labels = readLabels(m, 'matchLabels');
  const matchExpressions: LabelSelectorRequirement[] = [];
  const expressions = m.seq('matchExpressions')?.maps();
  for (let i = 0; expressions && i < expressions.length; i++) {
    const e = expressions[i];
    e.checkKeys(['key', 'operator', 'values'], 'a label selector requirement');
    const k = e.str('key', { required: true });
    const op = e.str('operator', { required: true });
    const values = e.strings('values') ?? [];
    if (k) {
      const problem = labelKeyProblem(k.value);
      if (problem) e.ctx.sink.report('invalid-field', 'error', `${e.child('key')}: ${problem}.`, k.span);
    }
    let operator: LabelSelectorOperator | undefined;
    if (op) {
      const exact = OPERATORS.find((o) => o === op.value);
      const loose = OPERATORS.find((o) => o.toLowerCase() === op.value.toLowerCase());
      if (exact) operator = exact;
      else
        e.ctx.sink.report(
          'invalid-field',
          'error',
          `${e.child('operator')}: "${op.value}" is not an operator; use ${loose ? `"${loose}" (operators are case-sensitive)` : 'In, NotIn, Exists or DoesNotExist'}.`,
          op.span,
        );
    }
    if (operator === 'In' || operator === 'NotIn') {
      if (values.length === 0)
        e.ctx.sink.report(
          'invalid-field',
          'error',
          `${e.path}: operator ${operator} needs at least one value in \`values\`.`,
          e.entry('values')?.valueSpan ?? op!.span,
        );
    } else if (operator && values.length > 0) {
      e.ctx.sink.report(
        'invalid-field',
        'error',
        `${e.child('values')}: operator ${operator} takes no values; remove \`values\`.`,
        e.entry('values')!.pairSpan,
      );
    }
    for (const v of values) {
      const problem = labelValueProblem(v.value);
      if (problem) e.ctx.sink.report('invalid-field', 'error', `${e.child('values')}: ${problem}.`, v.span);
    }
    if (k && operator)
      matchExpressions.push({ key: k.value, operator, values: values.map((v) => v.value), span: e.span });
  }
  return {
    matchLabels: labels?.value ?? {},
    matchExpressions,
    span: m.span,
    labelSpans: labels?.entries ?? {},
    labelValueSpans: labels?.valueSpans ?? {},
  };
}

/** The empty selector (it selects everything), located at `at`. */
export function emptySelector(at: Span): LabelSelector {
  return { matchLabels: {}, matchExpressions: [], span: at, labelSpans: {}, labelValueSpans: {} };
}
