/**
 * No vectors apply: HTTP Basic credentials are compared, not computed. RFC 7617's example
 * (`Aladdin:open sesame` → `QWxhZGRpbjpvcGVuIHNlc2FtZQ==`) is only base64 and is covered by the
 * unit tests' own encoding.
 */
export const basicAuthVectors: readonly never[] = [];
