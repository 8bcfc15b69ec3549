import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HookgateError } from '../domain/errors.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** A Bearer-token check in constant time (both sides hashed, so lengths never differ). */
export function bearerAuth(token: string) {
  const expected = digest(token);
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected))
      throw new HookgateError('UNAUTHORIZED');
  };
}
