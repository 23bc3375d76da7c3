/** Every shared Calico case (tiers, order, Pass, default actions) through `netpol matrix` (see runner.ts). */
import { runConformance } from './runner';

runConformance('calico');
