import { readCareemOrder, careemMerchantId } from './careem.ts';
import type { DraftOrder } from './draft.ts';
import { finalizeOrder, type Branch } from './finalize.ts';
import type {
  EnvelopeMetadata,
  OrderEnvelope,
  OrderProvider,
  StatusEnvelope,
} from './normalized-order.ts';
import { isObject, type Json } from './read.ts';
import { countries, type CountryCode, type CountryRules } from './rules/country-rules.ts';
import { validateOrder } from './rules/order-rules.ts';
import { sanitizePayload } from './sanitize.ts';
import { parseTalabatPath, readTalabatOrder, readTalabatStatus } from './talabat.ts';

/** The contract version stamped on every envelope unless the caller overrides it. */
export const normalizedOrderVersion = '1.0.0';

export interface TransformInput {
  provider: OrderProvider;
  body: Buffer;
  headers: Record<string, string>;
  /** The path after the source's URL (`/order/{remoteId}` for Talabat). */
  subpath: string;
  eventId: string;
  /** When Hookgate received the webhook (ms since the epoch). */
  receivedAt: number;
  /** The moment of this transformation (ms); stamped as metadata.transformedAt. */
  now: number;
}

export interface TransformConfig {
  /** The provider's merchant/vendor id (Careem merchant id, Talabat remoteId) → our branch. */
  branches: Record<string, Branch>;
  country: CountryCode;
  version?: string;
}

export type TransformResult =
  | { kind: 'order'; envelope: OrderEnvelope }
  | { kind: 'status'; envelope: StatusEnvelope }
  /** The payload fails validation: quarantine it with the reasons. */
  | { kind: 'invalid'; reasons: string[] }
  /** Our configuration cannot place it (unknown merchant, country): do not retry; fix config. */
  | { kind: 'configuration'; reasons: string[] };

const invalid = (reasons: string[]): TransformResult => ({ kind: 'invalid', reasons });
const configuration = (reason: string): TransformResult => ({
  kind: 'configuration',
  reasons: [reason],
});

function branchFor(branches: Record<string, Branch>, id: string): Branch | undefined {
  // Own properties only: a merchant id of "constructor" must not find Object.prototype's.
  return Object.hasOwn(branches, id) ? branches[id] : undefined;
}

function orderResult(
  read: { draft: DraftOrder; reasons: string[] },
  country: CountryRules,
  branch: Branch,
  input: TransformInput,
  metadata: EnvelopeMetadata,
  original: Json,
): TransformResult {
  const reasons = [...read.reasons, ...validateOrder(read.draft, country)];
  if (reasons.length > 0) return invalid(reasons);
  return {
    kind: 'order',
    envelope: {
      originalWebhook: original,
      transformedOrder: finalizeOrder(read.draft, country, branch, input.receivedAt),
      metadata,
    },
  };
}

/**
 * One delivery's webhook → the envelope for the backend (`POST /api/integration/orders`), or why
 * not. Pure and deterministic: the same input gives the same result (times come from the input).
 */
export function transformOrder(input: TransformInput, config: TransformConfig): TransformResult {
  const country: CountryRules | undefined = Object.hasOwn(countries, config.country)
    ? countries[config.country]
    : undefined;
  if (country === undefined) return configuration(`country "${config.country}" has no rules`);

  let parsed: unknown;
  try {
    parsed = JSON.parse(input.body.toString('utf8'));
  } catch (error) {
    return invalid([`body is not JSON: ${(error as Error).message}`]);
  }
  if (!isObject(parsed)) return invalid(['body is not a JSON object']);
  const { value: body, changed } = sanitizePayload(parsed);
  const metadata: EnvelopeMetadata = {
    provider: input.provider,
    transformedAt: new Date(input.now).toISOString(),
    version: config.version ?? normalizedOrderVersion,
    eventId: input.eventId,
    sanitizedFields: changed,
  };

  if (input.provider === 'careem') {
    const merchant = careemMerchantId(body, input.headers);
    if (!merchant.ok) return invalid([merchant.reason]);
    const branch = branchFor(config.branches, merchant.merchantId);
    if (!branch)
      return configuration(`careem merchant "${merchant.merchantId}" is not in branches`);
    return orderResult(readCareemOrder(body, country), country, branch, input, metadata, body);
  }

  const path = parseTalabatPath(input.subpath);
  if (path === null)
    return invalid([
      `talabat subpath "${input.subpath}" is neither /order/{remoteId} nor ` +
        '/remoteId/{remoteId}/remoteOrder/{remoteOrderId}/posOrderStatus',
    ]);
  const branch = branchFor(config.branches, path.remoteId);
  if (!branch) return configuration(`talabat remoteId "${path.remoteId}" is not in branches`);
  if (path.kind === 'order')
    return orderResult(readTalabatOrder(body, country), country, branch, input, metadata, body);

  const update = readTalabatStatus(body);
  if (!update.ok) return invalid(update.reasons);
  return {
    kind: 'status',
    envelope: {
      originalWebhook: body,
      transformedOrder: {
        provider: 'talabat',
        externalOrderId: path.remoteOrderId,
        branchId: branch.branchId,
        companyId: branch.companyId,
        status: update.status,
        providerStatus: update.providerStatus,
        reason: update.reason,
        receivedAt: new Date(input.receivedAt).toISOString(),
      },
      metadata,
    },
  };
}
