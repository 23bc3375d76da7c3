/**
 * Runs conformance cases (folders holding manifests.yaml and expected.json) through
 * `netpol matrix --format json` exactly as README.md's contract states it. The
 * diagonal (a pod to its own IP) is checked too: NetworkPolicy and Calico policy
 * evaluate it like any other pair, ClusterNetworkPolicy does not apply to it (see
 * ARCHITECTURE.md).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli, conformanceDir } from '../helpers';

interface Query {
  port: number;
  protocol: string;
  endpoints: string[];
  allowed: boolean[][];
}

/** The shared cases of one part (`netpol`, `calico`). */
export function runConformance(part: string): void {
  runCases(conformanceDir(part), part);
}

/** Every case folder under `dir`; `extraArgs` are added to each matrix command (e.g. --staged). */
export function runCases(dir: string, label: string, extraArgs: readonly string[] = []): void {
  for (const name of readdirSync(dir).sort()) {
    const expected = JSON.parse(readFileSync(join(dir, name, 'expected.json'), 'utf8')) as {
      description: string;
      queries: Query[];
    };
    describe(`${label}/${name}`, () => {
      for (const q of expected.queries) {
        it(`${q.protocol}/${q.port}`, async () => {
          const r = await cli([
            'matrix',
            join(dir, name, 'manifests.yaml'),
            '--port',
            String(q.port),
            '--protocol',
            q.protocol,
            '--format',
            'json',
            ...extraArgs,
          ]);
          assert.equal(r.code, 0, r.stderr);
          const got = JSON.parse(r.stdout) as {
            port: number;
            protocol: string;
            endpoints: string[];
            allowed: boolean[][];
          };
          assert.equal(got.port, q.port);
          assert.equal(got.protocol, q.protocol);
          assert.deepEqual([...got.endpoints].sort(), [...q.endpoints].sort());
          const wrong: string[] = [];
          for (const [i, src] of q.endpoints.entries()) {
            for (const [j, dst] of q.endpoints.entries()) {
              const cell = got.allowed[got.endpoints.indexOf(src)][got.endpoints.indexOf(dst)];
              if (cell !== q.allowed[i][j]) wrong.push(`${src} -> ${dst}: expected ${q.allowed[i][j]}, got ${cell}`);
            }
          }
          assert.deepEqual(wrong, [], expected.description);
        });
      }
    });
  }
}
