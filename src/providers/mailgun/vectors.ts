/**
 * No official Mailgun vector exists: the docs' example signature is redacted and mailgun.js has
 * no verifier. The tests recompute signatures with Node's crypto instead.
 */
export const mailgunVectors = [] as const;
