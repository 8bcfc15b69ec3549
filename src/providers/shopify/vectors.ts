/**
 * Shopify publishes no fixed vector: its docs and @shopify/shopify-api's tests compute the HMAC
 * at run time (`getHmac(body, secret)` in `@shopify/shopify-api/test-helpers`). The tests use that
 * helper as the oracle instead.
 */
export const shopifyVectors: readonly never[] = [];
