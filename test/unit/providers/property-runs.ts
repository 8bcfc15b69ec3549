/**
 * How many cases each differential property test runs: a few hundred by default (CI), 10,000
 * with `npm run test:providers:full` (HOOKGATE_PROPERTY_RUNS=10000).
 */
export function propertyRuns(): number {
  const fromEnv = Number(process.env.HOOKGATE_PROPERTY_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 300;
}
