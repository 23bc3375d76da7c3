/**
 * The `yaml` package's node-type predicates, read from the package once. Bundled (esbuild wraps a
 * CommonJS package's exports in getters), every call of an imported `isMap` would first call a
 * getter that looks the name up; the readers ask these per node, hundreds of thousands of times
 * for a cluster's manifests.
 */
import * as yaml from 'yaml';

export const isAlias = yaml.isAlias;
export const isDocument = yaml.isDocument;
export const isMap = yaml.isMap;
export const isPair = yaml.isPair;
export const isScalar = yaml.isScalar;
export const isSeq = yaml.isSeq;

/**
 * The property holding a node's type tag (the package's nodes/identity.js; fast-yaml.ts's nodes carry
 * it too): one property read tells a node's type, where isAlias, isMap, isSeq and isScalar each read
 * it again.
 */
export const NODE_TYPE = Symbol.for('yaml.node.type');
export const ALIAS_TAG = Symbol.for('yaml.alias');
export const MAP_TAG = Symbol.for('yaml.map');
export const SEQ_TAG = Symbol.for('yaml.seq');
export const SCALAR_TAG = Symbol.for('yaml.scalar');

/** A node's type tag, or undefined for null and anything that is not a node. */
export function tagOf(node: unknown): symbol | undefined {
  return node !== null && typeof node === 'object' ? (node as { [NODE_TYPE]?: symbol })[NODE_TYPE] : undefined;
}
