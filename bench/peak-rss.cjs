// Preloaded into a benchmarked process (node --require): writes its peak RSS to
// $NETPOL_BENCH_RSS_FILE when it exits.
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  const file = process.env.NETPOL_BENCH_RSS_FILE;
  if (file) writeFileSync(file, JSON.stringify({ peakRssMb: process.resourceUsage().maxRSS / 1024 }));
});
