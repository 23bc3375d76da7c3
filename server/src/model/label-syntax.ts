/**
 * Kubernetes label syntax (apimachinery validation: IsQualifiedName, IsValidLabelValue).
 * Used to report label keys and values the API server would reject.
 */

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Prefixes already found to be DNS subdomains. Label keys repeat a few prefixes (app.kubernetes.io,
 * helm.sh) on every object, and the subdomain pattern is the costly part of checking a key; the set
 * is emptied when it grows past a bound, so hostile input cannot make it large.
 */
const VALID_PREFIXES = new Set<string>();
const MAX_VALID_PREFIXES = 1024;

function isSubdomainPrefix(prefix: string): boolean {
  if (VALID_PREFIXES.has(prefix)) return true;
  if (!DNS1123_SUBDOMAIN.test(prefix)) return false;
  if (VALID_PREFIXES.size >= MAX_VALID_PREFIXES) VALID_PREFIXES.clear();
  VALID_PREFIXES.add(prefix);
  return true;
}

/** Why `key` is not a valid label key, or undefined when it is. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  // Nearly every key: a name without a prefix.
  if (slash < 0 && key.length <= 63 && NAME.test(key)) return undefined;
  if (slash >= 0 && key.indexOf('/', slash + 1) >= 0) return `label key "${key}" has more than one "/"`;
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined) {
    if (prefix.length === 0) return `label key "${key}" has an empty prefix before "/"`;
    if (prefix.length > 253) return `the prefix of label key "${key}" is longer than 253 characters`;
    if (!isSubdomainPrefix(prefix))
      return `the prefix "${prefix}" of label key "${key}" must be a lowercase DNS subdomain (a-z, 0-9, "-", ".")`;
  }
  if (name.length === 0) return `label key "${key}" has an empty name`;
  if (name.length > 63) return `the name part of label key "${key}" is longer than 63 characters`;
  if (!NAME.test(name))
    return `label key "${key}" must start and end with a letter or digit and contain only letters, digits, "-", "_" and "."`;
  return undefined;
}

/** Why `value` is not a valid label value, or undefined when it is. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length === 0) return undefined;
  if (value.length > 63) return `label value "${value}" is longer than 63 characters`;
  if (!NAME.test(value))
    return `label value "${value}" must start and end with a letter or digit and contain only letters, digits, "-", "_" and "."`;
  return undefined;
}

/** Why `name` is not a valid object name (DNS-1123 subdomain), or undefined. */
export function objectNameProblem(name: string, kind: string): string | undefined {
  if (name.length > 253) return `${kind} name "${name}" is longer than 253 characters`;
  if (!DNS1123_SUBDOMAIN.test(name))
    return `${kind} name "${name}" must consist of lowercase letters, digits, "-" and ".", and start and end with a letter or digit`;
  return undefined;
}

/** Namespaces (and several other names) must be DNS-1123 labels. */
export function dnsLabelProblem(name: string, what: string): string | undefined {
  if (name.length > 63) return `${what} "${name}" is longer than 63 characters`;
  if (!DNS1123_LABEL.test(name))
    return `${what} "${name}" must consist of lowercase letters, digits and "-", and start and end with a letter or digit`;
  return undefined;
}

/** IANA_SVC_NAME, the syntax of a named port. */
export function portNameProblem(name: string): string | undefined {
  if (name.length > 15) return `port name "${name}" is longer than 15 characters`;
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) || name.includes('--'))
    return `port name "${name}" must contain only lowercase letters, digits and single "-", and start and end with a letter or digit`;
  if (!/[a-z]/.test(name)) return `port name "${name}" must contain at least one letter`;
  return undefined;
}
