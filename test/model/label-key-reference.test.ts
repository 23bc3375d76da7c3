/**
 * Label key validation (model/label-syntax.ts, which remembers the prefixes it found valid and
 * reads the key without splitting it) against apimachinery's rules written plainly: the same
 * problem, word for word, for generated keys, asked twice so the remembered prefixes answer too.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { labelKeyProblem } from '../../server/src/model/label-syntax';

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function reference(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return `label key "${key}" has more than one "/"`;
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined) {
    if (prefix.length === 0) return `label key "${key}" has an empty prefix before "/"`;
    if (prefix.length > 253) return `the prefix of label key "${key}" is longer than 253 characters`;
    if (!DNS1123_SUBDOMAIN.test(prefix))
      return `the prefix "${prefix}" of label key "${key}" must be a lowercase DNS subdomain (a-z, 0-9, "-", ".")`;
  }
  if (name.length === 0) return `label key "${key}" has an empty name`;
  if (name.length > 63) return `the name part of label key "${key}" is longer than 63 characters`;
  if (!NAME.test(name))
    return `label key "${key}" must start and end with a letter or digit and contain only letters, digits, "-", "_" and "."`;
  return undefined;
}

const piece = fc.oneof(
  fc.constantFrom('app', 'app.kubernetes.io', 'helm.sh', 'Team', 'a-b', '-x', 'x.', 'k8s.io', '', 'x_y', 'UPPER.io'),
  fc.string({ unit: fc.constantFrom('a', 'z', '0', '-', '.', '_', 'A', '/'), maxLength: 8 }),
  fc.string({ unit: fc.constantFrom('a', 'b', '.'), minLength: 60, maxLength: 260 }),
);
const key = fc.array(piece, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));

describe('model: label keys', () => {
  it('have the problems apimachinery gives them, word for word, also when a prefix is remembered', () => {
    fc.assert(
      fc.property(key, (k) => {
        assert.equal(labelKeyProblem(k), reference(k));
        assert.equal(labelKeyProblem(k), reference(k));
      }),
      { seed: 2026, numRuns: 3000 },
    );
  });
});
