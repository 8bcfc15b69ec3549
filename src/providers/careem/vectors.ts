/**
 * No official vectors: Careem publishes neither its webhook signing scheme nor a library or a
 * signed example. The tests use seed 000's payload and signing recipe (hex HMAC-SHA256 of the
 * body, as `openssl dgst -sha256 -hmac`) with generated secrets, and Node's crypto as the oracle.
 */
export const careemVectors: readonly never[] = [];
