/**
 * The project's own Calico cases in the shared case format, through `netpol matrix`:
 * test/fixtures/calico-cases as is, test/fixtures/calico-staged with --staged.
 */
import { join } from 'node:path';
import { ROOT } from '../helpers';
import { runCases } from './runner';

runCases(join(ROOT, 'test', 'fixtures', 'calico-cases'), 'calico-cases');
runCases(join(ROOT, 'test', 'fixtures', 'calico-staged'), 'calico-staged', ['--staged']);
