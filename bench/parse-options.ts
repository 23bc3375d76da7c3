/**
 * The YAML parse, measured by parts on a folder of manifests (item 3 of the performance
 * issue: measure before choosing): the `yaml` package's Lexer alone, its CST Parser,
 * the Composer on top (= parseAllDocuments), our fast reader (server/src/yaml/fast-yaml.ts),
 * and our parseFile (pre-scan, parse, document checks) with the package alone and with the
 * fast reader. Usage: node --import tsx bench/parse-options.ts DIR (bench/run.ts --keep
 * leaves the generated clusters in the temp directory).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Composer, Lexer, Parser, parseAllDocuments } from 'yaml';
import { SourceFile } from '../server/src/common/source';
import { discoverManifests } from '../server/src/yaml/discover';
import { fastRead } from '../server/src/yaml/fast-yaml';
import { parseFile, yamlReader } from '../server/src/yaml/parse-yaml';
const dir = process.argv[2];
const files = discoverManifests([dir]).files.map((f) => ({ f, text: readFileSync(f, 'utf8') }));
const runs = 3;
const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function bench(name: string, fn: (t: string, f: string) => unknown) {
  const xs: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    for (const { f, text } of files) fn(text, f);
    xs.push(performance.now() - t);
  }
  console.log(`${name.padEnd(44)} ${med(xs).toFixed(0).padStart(6)} ms (min ${Math.min(...xs).toFixed(0)})`);
}
bench('Lexer only', (t) => {
  let n = 0;
  for (const _ of new Lexer().lex(t)) n++;
  return n;
});
bench('Lexer + CST Parser', (t) => {
  let n = 0;
  for (const _ of new Parser().parse(t)) n++;
  return n;
});
bench('CST Parser + Composer (= parseAllDocuments)', (t) => [
  ...new Composer({ uniqueKeys: false }).compose(new Parser().parse(t)),
]);
bench('parseAllDocuments', (t) => parseAllDocuments(t, { prettyErrors: false, uniqueKeys: false }));
bench('fast reader (fast-yaml.ts) alone', (t) => fastRead(t));
yamlReader.mode = 'package';
bench('parseFile, package only (scan, parse, checks)', (t, f) => parseFile(new SourceFile(f, t)));
yamlReader.mode = 'fast';
bench('parseFile, fast reader (parse, checks)', (t, f) => parseFile(new SourceFile(f, t)));
const declined = files.filter(({ text }) => !fastRead(text)).length;
console.log(`the fast reader declined ${declined} of ${files.length} files`);
