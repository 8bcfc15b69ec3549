/**
 * Linear publishes no fixed vector (its docs and @linear/sdk's tests sign at run time, since the
 * signed body must carry a fresh webhookTimestamp). The tests use @linear/sdk as the oracle.
 */
export const linearVectors: readonly never[] = [];
