import { z } from 'zod';
import { commonDestination } from '../common-schema.ts';
import { nameTemplate } from '../template-schema.ts';

const anyName = nameTemplate(() => undefined);

/**
 * `type: redis`: PUBLISH to `channel`, or XADD to `stream` (capped at about `maxLen` entries);
 * both are name templates. PUBLISH keeps nothing for absent subscribers: `requireSubscribers`
 * makes "nobody listened" a temporary failure, retried on the schedule.
 */
export const redisDestination = z
  .strictObject({
    ...commonDestination,
    type: z.literal('redis'),
    url: z.string().regex(/^rediss?:\/\//, 'use redis://[user:pass@]host:port[/db] or rediss://…'),
    channel: anyName.optional(),
    stream: anyName.optional(),
    maxLen: z.number().int().positive().optional(),
    requireSubscribers: z.boolean().default(false),
  })
  .superRefine((d, ctx) => {
    if ((d.channel === undefined) === (d.stream === undefined))
      ctx.addIssue({ code: 'custom', path: ['channel'], message: 'set either channel or stream' });
    if (d.maxLen !== undefined && d.stream === undefined)
      ctx.addIssue({ code: 'custom', path: ['maxLen'], message: 'applies to a stream only' });
    if (d.requireSubscribers && d.channel === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['requireSubscribers'],
        message: 'applies to a channel only',
      });
  });

export type RedisDestinationConfig = z.output<typeof redisDestination>;
