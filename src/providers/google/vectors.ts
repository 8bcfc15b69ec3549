/**
 * No vectors: Google push notifications carry no signature (the channel token is compared as
 * is), so there is nothing to recompute.
 */
export const googleVectors = [] as const;
