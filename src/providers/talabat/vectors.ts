/**
 * No official vectors: Delivery Hero's plugin API documentation (and its JWT secret) is given
 * only to partners under NDA, and no official library exists. The token format is plain JWT
 * (RFC 7519), so the RFC 7515 Appendix A.1 HS256 example is used as a fixed vector; everything
 * else is checked against jose (SignJWT / jwtVerify) in the tests.
 */
export interface JwtVector {
  readonly source: string;
  /** The HMAC key, as a string (the RFC's key is binary: see keyBase64url). */
  readonly keyBase64url: string;
  readonly token: string;
  /** Seconds since the epoch at which the vector is checked (its exp is 1300819380). */
  readonly nowSeconds: number;
}

export const talabatVectors: readonly JwtVector[] = [
  {
    source: 'RFC 7515 Appendix A.1 (JWS using HMAC SHA-256)',
    keyBase64url:
      'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow',
    token:
      'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9' +
      '.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ' +
      '.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    nowSeconds: 1300819000,
  },
];
