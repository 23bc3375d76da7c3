/**
 * Kubernetes label selectors (metav1.LabelSelector) as label matchers:
 * matchLabels and matchExpressions are ANDed; the empty selector matches all.
 */
import type { LabelSelector, LabelSelectorRequirement, Labels } from '../model/kubernetes';

/** Anything that decides membership from a label set: k8s label selectors, Calico selectors. */
export interface LabelMatcher {
  /** Canonical text: equal keys mean equal matchers (used to intern atoms). */
  readonly key: string;
  readonly matchesAll: boolean;
  matches(labels: Labels): boolean;
  /** Human-readable form for hovers and explanations. */
  describe(): string;
}

function requirementMatches(r: LabelSelectorRequirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.operator) {
    case 'In':
      return has && r.values.includes(labels[r.key]);
    case 'NotIn':
      return !has || !r.values.includes(labels[r.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

/** kubectl's selector syntax: `app=web,tier in (a,b),!legacy`. */
export function formatLabelSelector(s: LabelSelector): string {
  const parts: string[] = [];
  for (const k of Object.keys(s.matchLabels).sort()) parts.push(`${k}=${s.matchLabels[k]}`);
  for (const r of s.matchExpressions) {
    const values = [...r.values].sort().join(',');
    if (r.operator === 'In') parts.push(`${r.key} in (${values})`);
    else if (r.operator === 'NotIn') parts.push(`${r.key} notin (${values})`);
    else if (r.operator === 'Exists') parts.push(r.key);
    else parts.push(`!${r.key}`);
  }
  return parts.join(',');
}

export class KubeLabelMatcher implements LabelMatcher {
  readonly key: string;
  readonly matchesAll: boolean;
  constructor(readonly selector: LabelSelector) {
    const text = formatLabelSelector(selector);
    this.key = `k8s:${text}`;
    this.matchesAll = text === '';
  }
  matches(labels: Labels): boolean {
    for (const k in this.selector.matchLabels) if (labels[k] !== this.selector.matchLabels[k]) return false;
    for (const r of this.selector.matchExpressions) if (!requirementMatches(r, labels)) return false;
    return true;
  }
  describe(): string {
    return this.matchesAll ? '{} (everything)' : `{${formatLabelSelector(this.selector)}}`;
  }
}

export const MATCH_ALL: LabelMatcher = {
  key: 'all',
  matchesAll: true,
  matches: () => true,
  describe: () => 'everything',
};
