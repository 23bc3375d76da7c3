/** Reading enum-valued fields: exact (case-sensitive) values, with a hint when only the case is wrong. */
import type { Located } from '../common/source';
import type { RMap } from '../yaml/yaml-reader';

export function readEnum<T extends string>(
  m: RMap,
  key: string,
  allowed: readonly T[],
  opts: { required?: boolean } = {},
): Located<T> | undefined {
  const v = m.str(key, { required: opts.required });
  if (!v) return undefined;
  const exact = allowed.find((a) => a === v.value);
  if (exact) return { value: exact, span: v.span };
  const loose = allowed.find((a) => a.toLowerCase() === v.value.toLowerCase());
  m.ctx.sink.report(
    'invalid-field',
    'error',
    `${m.child(key)}: "${v.value}" is not allowed; use ${
      loose
        ? `"${loose}" (values are case-sensitive)`
        : allowed
            .map((a) => `"${a}"`)
            .join(', ')
            .replace(/, ([^,]*)$/, ' or $1')
    }.`,
    v.span,
  );
  return undefined;
}
