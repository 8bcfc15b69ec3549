import { z } from 'zod';
import { NameTemplate } from './name-template.ts';

/**
 * A name template (`integration.webhook.{{source}}.{{eventType}}`): known placeholders only, and
 * `valid` says whether the text around them is a valid name for the type (checked with each
 * placeholder as `x`).
 */
export function nameTemplate(valid: (sample: string) => string | undefined, maxBytes?: number) {
  return z
    .string()
    .min(1)
    .superRefine((text, ctx) => {
      let template: NameTemplate;
      try {
        template = new NameTemplate(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return;
      }
      const problem = valid(text.replace(/\{\{\s*[A-Za-z]+\s*\}\}/g, 'x'));
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      if (maxBytes !== undefined && template.maxBytes > maxBytes)
        ctx.addIssue({
          code: 'custom',
          message: `may reach ${template.maxBytes} bytes (at most ${maxBytes}; {{eventType}} can fill 128, the others 64)`,
        });
    });
}
