import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HookgateError } from '../domain/errors.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Whether a request carries `Authorization: Bearer <token>`, compared in constant time (both
 * sides hashed, so lengths never differ).
 */
export function bearerMatcher(token: string) {
  const expected = digest(token);
  return (request: FastifyRequest): boolean => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected);
  };
}

/** A Bearer-token check: UNAUTHORIZED without the token. */
export function bearerAuth(token: string) {
  const matches = bearerMatcher(token);
  return async (request: FastifyRequest): Promise<void> => {
    if (!matches(request)) throw new HookgateError('UNAUTHORIZED');
  };
}
