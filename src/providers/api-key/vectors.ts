/** No vectors apply: a static key is compared with the configured secrets, nothing is computed. */
export const apiKeyVectors: readonly never[] = [];
