import type { Destination, DestinationDriver } from './destination.ts';

/**
 * A broker type's driver: one client (one connection) per URL, shared by every destination that
 * names it, all closed at stop.
 */
export function clientPerUrl<C extends { readonly url: string }, Client>(
  connect: (url: string) => Client & { close(): Promise<void> },
  open: (config: C, client: Client) => Destination,
): DestinationDriver<C> {
  const clients = new Map<string, Client & { close(): Promise<void> }>();
  return {
    open(config) {
      let client = clients.get(config.url);
      if (client === undefined) {
        client = connect(config.url);
        clients.set(config.url, client);
      }
      return open(config, client);
    },
    close: async () => {
      await Promise.all([...clients.values()].map((c) => c.close()));
    },
  };
}
