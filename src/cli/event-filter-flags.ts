import { usageError } from './cli-error.ts';

/** The event search's filters as flags (`events`, `replay`): flag → the API's query name. */
const names = {
  source: 'source',
  provider: 'provider',
  type: 'type',
  'type-prefix': 'typePrefix',
  'provider-event-id': 'providerEventId',
  'request-id': 'requestId',
  state: 'state',
  destination: 'destination',
  q: 'q',
  since: 'since',
  until: 'until',
} as const;

export const eventFilterFlags = {
  ...(Object.fromEntries(Object.keys(names).map((k) => [k, { type: 'string' }])) as Record<
    keyof typeof names,
    { type: 'string' }
  >),
  /** `--filter key=value` (the API's names), as many as wanted. */
  filter: { type: 'string', multiple: true },
} as const;

/** The filter the flags give, in the API's names. */
export function eventFilterOf(values: Record<string, unknown>): Record<string, string> {
  const filter: Record<string, string> = {};
  for (const [flag, name] of Object.entries(names)) {
    const v = values[flag];
    if (typeof v === 'string') filter[name] = v;
  }
  for (const pair of (values.filter as string[] | undefined) ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw usageError(`--filter takes key=value, not "${pair}"`);
    filter[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return filter;
}

export const eventFilterHelp = `filters: --source NAME --provider NAME --type TYPE --type-prefix PREFIX
         --provider-event-id ID --request-id ID --state STATE --destination NAME
         --q TEXT --since TIME --until TIME (ms or ISO 8601) --filter key=value`;
