/**
 * No official WooCommerce vector exists (WooCommerce's PHP tests do not pin a signature and there
 * is no official JS verifier). The tests recompute signatures with Node's crypto, and check the
 * secret decode against wp_specialchars_decode's table.
 */
export const woocommerceVectors = [] as const;
