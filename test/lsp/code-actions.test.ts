/** Fixes as LSP code actions: fixes that create a file become `documentChanges` (CreateFile, then edits). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceFile } from '../../server/src/common/source';
import { analyzeSources } from '../../server/src/engine/analysis';
import { lint } from '../../server/src/lint';
import { toCodeAction, toDiagnostic } from '../../server/src/lsp/convert';
import { yaml } from '../helpers';
import { pod } from '../manifests';

describe('lsp: fixes as code actions', () => {
  it('creates the new file (never over an existing one) and fills it, for a default-deny in a new file', () => {
    const ns = yaml`
      apiVersion: v1
      kind: Namespace
      metadata:
        name: legacy
        labels: {team: x}
        annotations:
          net.beta.kubernetes.io/network-policy: '{"ingress": {"isolation": "DefaultDeny"}}'
    `;
    const file = new SourceFile(
      '/repo/legacy/ns.yaml',
      `${ns}---\n${pod('legacy/app')}`,
      'file:///repo/legacy/ns.yaml',
    );
    const f = lint(analyzeSources([file])).find((x) => x.rule === 'legacy-isolation-annotation')!;
    const action = toCodeAction(f.fixes![0], toDiagnostic(f));
    assert.equal(action.edit?.changes, undefined);
    const changes = action.edit!.documentChanges!;
    assert.deepEqual(changes[0], {
      kind: 'create',
      uri: 'file:///repo/legacy/legacy-default-deny-ingress.yaml',
      options: { overwrite: false, ignoreIfExists: false },
    });
    const fill = changes[1] as { textDocument: { uri: string }; edits: { newText: string }[] };
    assert.equal(fill.textDocument.uri, 'file:///repo/legacy/legacy-default-deny-ingress.yaml');
    assert.match(fill.edits[0].newText, /^# Denies all ingress of the pods in legacy/);
    const removal = changes[2] as { textDocument: { uri: string }; edits: { newText: string }[] };
    assert.equal(removal.textDocument.uri, 'file:///repo/legacy/ns.yaml', 'and the annotation goes');
    assert.equal(removal.edits[0].newText, '');
  });
});
