/** Every shared Kubernetes NetworkPolicy case through `netpol matrix` (see runner.ts). */
import { runConformance } from './runner';

export { runConformance } from './runner';

runConformance('netpol');
