import { z } from 'zod';
import { decodeSignature } from '../../verify/compare.ts';
import { anySignatureMatches } from '../../verify/hmac.ts';
import { compileTemplate, type SigningTemplate } from '../../verify/template.ts';
import { parseUnixSeconds, withinTolerance } from '../../verify/timestamp.ts';
import { identifyFromOptions } from '../../verify/identify-options.ts';
import type { Provider } from '../../verify/types.ts';

const headerName = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/, 'not a header name')
  .transform((h) => h.toLowerCase());

const options = z
  .strictObject({
    header: headerName.default('x-signature'),
    algorithm: z.enum(['sha1', 'sha256', 'sha512']).default('sha256'),
    encoding: z.enum(['hex', 'base64', 'base64url']).default('hex'),
    /** Text before the signature, e.g. `sha256=`; entries without it are ignored. */
    prefix: z.string().default(''),
    template: z.string().min(1).default('{body}'),
    /** Splits one header into several signatures (e.g. "," or " "); unset: one signature. */
    signatureSeparator: z.string().min(1).optional(),
    timestampHeader: headerName.optional(),
    idHeader: headerName.optional(),
    eventIdPath: z.string().min(1).optional(),
    eventTypeHeader: headerName.optional(),
    eventTypePath: z.string().min(1).optional(),
  })
  .transform((o, ctx) => {
    let signing: SigningTemplate;
    try {
      signing = compileTemplate(o.template);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['template'], message: (err as Error).message });
      return z.NEVER;
    }
    if (signing.uses.has('timestamp') && o.timestampHeader === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['timestampHeader'],
        message: 'required when the template uses {timestamp}',
      });
    }
    if (signing.uses.has('id') && o.idHeader === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['idHeader'],
        message: 'required when the template uses {id}',
      });
    }
    return o;
  });

export type GenericHmacOptions = z.output<typeof options>;

/** The template compiled once per source (checked already by the options schema). */
export interface GenericHmacRuntime {
  readonly signing: SigningTemplate;
}

/** The provided signatures: split if configured, kept only with the prefix, then decoded. */
function providedSignatures(header: string, o: GenericHmacOptions): Buffer[] {
  const entries =
    o.signatureSeparator === undefined ? [header] : header.split(o.signatureSeparator);
  return entries
    .map((e) => e.trim())
    .filter((e) => e !== '' && e.startsWith(o.prefix))
    .map((e) => decodeSignature(e.slice(o.prefix.length), o.encoding));
}

/**
 * Any HMAC scheme describable by header, algorithm, encoding, prefix and a template of the
 * signed content. Careem is `header: x-careem-signature` with the defaults (hex HMAC-SHA256 of
 * the raw body). The timestamp is checked (both ways, default 300 s) only when a timestampHeader
 * is configured: the scheme then has one, otherwise the tolerance is unused.
 */
export const genericHmac: Provider<GenericHmacOptions, GenericHmacRuntime> = {
  name: 'generic-hmac',
  defaultToleranceSeconds: 300,
  requiresSecret: true,
  optionsSchema: options,
  credentialHeaders: (o) => [o.header],
  runtime: (o) => ({ signing: compileTemplate(o.template) }),
  verify(request, ctx) {
    const o = ctx.options;
    const header = request.headers[o.header];
    if (!header) return { ok: false, reason: `missing ${o.header} header` };
    let timestamp: string | undefined;
    if (o.timestampHeader !== undefined) {
      timestamp = request.headers[o.timestampHeader];
      const seconds = parseUnixSeconds(timestamp);
      if (seconds === undefined)
        return { ok: false, reason: `missing or malformed ${o.timestampHeader} header` };
      if (!withinTolerance(seconds, ctx.now, ctx.toleranceSeconds))
        return { ok: false, reason: 'timestamp outside tolerance' };
    }
    const signatures = providedSignatures(header, o);
    if (signatures.length === 0)
      return { ok: false, reason: `no signature with prefix "${o.prefix}" in ${o.header}` };
    const id = o.idHeader === undefined ? undefined : request.headers[o.idHeader];
    const signed = ctx.runtime.signing.render(request, { timestamp, id });
    if (signed === undefined)
      return { ok: false, reason: `a header used by the template "${o.template}" is missing` };
    return anySignatureMatches(o.algorithm, ctx.secrets, signed, signatures)
      ? { ok: true }
      : { ok: false, reason: 'no signature matches' };
  },
  identify: identifyFromOptions,
};
