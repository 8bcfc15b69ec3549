import { z } from 'zod';
import { secret } from '../../config/name.ts';
import { standardWebhooksKey } from '../../signing/standard-webhooks.ts';
import { commonDestination } from '../common-schema.ts';

/** `type: http` (the default): a POST to `url`, signed when `signingSecret` is set. */
export const httpDestination = z.strictObject({
  ...commonDestination,
  type: z.literal('http'),
  url: z.url({ protocol: /^https?$/ }),
  signingSecret: secret
    .refine((v) => v.startsWith('whsec_') && standardWebhooksKey(v) !== undefined, {
      message: 'must be whsec_<base64> (a Standard Webhooks secret)',
    })
    .optional(),
});

export type HttpDestinationConfig = z.output<typeof httpDestination>;
