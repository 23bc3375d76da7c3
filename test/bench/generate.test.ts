/**
 * The benchmark's two cluster styles (bench/generate.ts) describe the same cluster: the rendered
 * one (Helm charts' output, the density of the issue's clusters) reads without a finding about
 * its own fields, gives the compact one's findings, plus the one dependency its worker's policies
 * forget, and is about four times the compact one's size.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateCluster } from '../../bench/generate';
import { lintYaml } from '../helpers';

const countsByRule = (texts: readonly string[]) => {
  const counts: Record<string, number> = {};
  for (const f of lintYaml(texts)) counts[f.rule] = (counts[f.rule] ?? 0) + 1;
  return counts;
};

describe('bench: generated clusters', () => {
  it('renders charts that read cleanly, with the compact cluster’s findings and the forgotten queue rule', () => {
    const compact = generateCluster(300, 'compact').map((f) => f.text);
    const rendered = generateCluster(300, 'rendered').map((f) => f.text);
    const size = (texts: readonly string[]) => texts.reduce((n, t) => n + t.length, 0);
    const ratio = size(rendered) / size(compact);
    assert.ok(ratio > 3.5 && ratio < 4.5, `rendered / compact size ${ratio}`);
    const expected = countsByRule(compact);
    expected['dependency-blocked'] = 3; // worker -> queue in each of the three namespaces
    assert.deepEqual(countsByRule(rendered), expected);
  });
});
