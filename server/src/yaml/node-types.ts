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
