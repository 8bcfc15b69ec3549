/**
 * Intercom publishes no test vector and has no official verifier library (`intercom-client` is
 * an API client). The tests check against a Node crypto implementation of the documented formula.
 */
export const intercomVectors: readonly never[] = [];
