/**
 * Typeform publishes no test vector and has no official verifier library (`@typeform/api-client`
 * is an API client). The tests check against a Node crypto implementation of the documented
 * formula instead.
 */
export const typeformVectors: readonly never[] = [];
