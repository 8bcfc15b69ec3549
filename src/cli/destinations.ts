import { AdminClient } from './admin-client.ts';
import { usageError } from './cli-error.ts';
import { parseCommand } from './options.ts';
import { Styled, table } from './table.ts';
import { colorsFor, jsonText, out, safeText } from './terminal.ts';

export const destinationsHelp = `usage: hookgate destinations
each destination: paused or active, its breaker, attempts in flight, counts since start`;

interface DestinationView {
  name: string;
  type: string;
  paused: boolean;
  inFlight: number;
  concurrency: number | null;
  counts: { attempts: number; delivered: number; retry: number; dead: number };
  breaker: { state: string } | null;
}

/** `hookgate destinations`: what `GET /admin/destinations` says, as a table. */
export async function destinationsCommand(argv: readonly string[]): Promise<void> {
  const { positionals, connection, json, help } = parseCommand('destinations', argv, {});
  if (help) return out(`${destinationsHelp}\n`);
  if (positionals.length > 0)
    throw usageError(`hookgate destinations: unexpected "${safeText(positionals[0])}"`);
  const { destinations } = await new AdminClient(connection).get<{
    destinations: DestinationView[];
  }>('/admin/destinations');
  if (json) return out(`${jsonText(destinations, 2)}\n`);
  const c = colorsFor(process.stdout);
  out(
    table(
      [
        'NAME',
        'TYPE',
        'STATE',
        'BREAKER',
        'IN FLIGHT',
        'CONCURRENCY',
        'DELIVERED',
        'RETRIED',
        'DEAD',
      ],
      destinations.map((d) => [
        d.name,
        d.type,
        new Styled(d.paused ? c.yellow('paused') : c.green('active')),
        d.breaker?.state ?? 'none',
        d.inFlight,
        d.concurrency ?? 'unlimited',
        d.counts.delivered,
        d.counts.retry,
        d.counts.dead,
      ]),
    ),
  );
}
