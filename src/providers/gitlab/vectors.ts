/**
 * GitLab publishes no test vector: the plain token has nothing to compute, and the signing token
 * is Standard Webhooks, whose library vector (../standard-webhooks/vectors.ts) the GitLab tests
 * run through this provider too.
 */
export { standardWebhooksVectors as gitlabSignedVectors } from '../standard-webhooks/vectors.ts';
