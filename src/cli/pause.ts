import { AdminClient } from './admin-client.ts';
import { usageError } from './cli-error.ts';
import { parseCommand } from './options.ts';
import { jsonText, out, safeText } from './terminal.ts';

export const pauseHelp = `usage: hookgate pause NAME    hold the destination's deliveries (nothing is sent)
       hookgate resume NAME   make its held deliveries due now`;

/** `hookgate pause|resume NAME`: a destination's deliveries held, or due again. */
export async function pauseCommand(action: 'pause' | 'resume', argv: readonly string[]) {
  const { positionals, connection, json, help } = parseCommand(action, argv, {});
  if (help) return out(`${pauseHelp}\n`);
  const name = positionals[0];
  if (name === undefined || positionals.length > 1)
    throw usageError(`hookgate ${action} needs one destination NAME`, pauseHelp);
  const done = await new AdminClient(connection).post<{ destination: string; paused: boolean }>(
    `/admin/destinations/${encodeURIComponent(name)}/${action}`,
  );
  if (json) return out(`${jsonText(done, 2)}\n`);
  out(`${safeText(done.destination)}: ${done.paused ? 'paused' : 'resumed'}\n`);
}
