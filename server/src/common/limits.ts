/**
 * Every resource limit of the analysis, in one place. A workspace can hold
 * anything (an alias bomb, a map of a million keys, a FIFO named x.yaml); each
 * limit turns what would freeze the editor into one `limit-exceeded` finding at
 * the place it was exceeded, and the rest of the workspace is still analysed.
 * The values are far above what real manifests need.
 */

export const LIMITS = {
  /** Bytes of one file (every kind: manifests, net-conf.json, lease exports). Larger files are not read. */
  fileBytes: 8 * 1024 * 1024,
  /** YAML documents in one file; the documents after it are not analysed. */
  documentsPerFile: 20_000,
  /** Nodes that the aliases of one document expand to (each alias counts its anchor's whole subtree). */
  aliasExpandedNodes: 100_000,
  /** Nesting of collections in a document (block and flow); the document is not analysed. */
  nestingDepth: 100,
  /** Keys of one map; the document is not analysed. */
  keysPerMap: 50_000,
  /** Characters of one Calico selector. */
  selectorLength: 4096,
  /** Nesting of parentheses and operators in one Calico selector. */
  selectorDepth: 64,
  /**
   * Pods in one simulated cluster (workloads are expanded to pods up to this many). Twice the
   * 50,000-pod clusters the benchmark lints whole; `replicas: 2147483647` costs at most this many
   * pods of one workload (`netpol lint` 2 s, 250 MB), and a generated cluster of this size (10,000
   * policies) lints in 2 GB, half of Node's default heap (docs/benchmarks.md).
   */
  simulatedPods: 100_000,
} as const;

export type LimitName = keyof typeof LIMITS;

/** A limit in words, for messages: "8 MB", "100,000". */
export function limitText(name: LimitName): string {
  const v = LIMITS[name];
  if (name === 'fileBytes') return `${v / 1024 / 1024} MB`;
  return v.toLocaleString('en-US');
}

/** True when a file of `bytes` is over the file limit. */
export function overFileLimit(bytes: number): boolean {
  return bytes > LIMITS.fileBytes;
}
