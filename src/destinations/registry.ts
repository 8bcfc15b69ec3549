import type { DestinationConfig, DestinationType } from './schema.ts';
import type {
  ConnectionCheck,
  Destination,
  DestinationDriver,
  DestinationKind,
  DriverContext,
} from './destination.ts';
import { httpKind } from './http/http-destination.ts';
import { natsKind } from './nats/nats-destination.ts';
import { rabbitmqKind } from './rabbitmq/rabbitmq-destination.ts';
import { redisKind } from './redis/redis-destination.ts';

type KindOf<T extends DestinationType> = DestinationKind<Extract<DestinationConfig, { type: T }>>;

/** Every destination type, by the `type` a configuration names. */
const kinds: { readonly [T in DestinationType]: KindOf<T> } = {
  http: httpKind,
  redis: redisKind,
  nats: natsKind,
  rabbitmq: rabbitmqKind,
};

/**
 * The destinations of a configuration, opened: one driver per type in use (its shared clients),
 * one Destination per configured destination. Built by the app from the frozen configuration;
 * closed at shutdown.
 */
export class Destinations {
  private readonly drivers = new Map<DestinationType, DestinationDriver<never>>();
  private readonly byName = new Map<string, Destination>();

  constructor(configs: readonly DestinationConfig[], context: DriverContext) {
    for (const config of configs) {
      let driver = this.drivers.get(config.type) as
        DestinationDriver<DestinationConfig> | undefined;
      if (driver === undefined) {
        driver = (kinds[config.type] as DestinationKind<DestinationConfig>).driver(context);
        this.drivers.set(config.type, driver);
      }
      this.byName.set(config.name, driver.open(config));
    }
  }

  get(name: string): Destination {
    const destination = this.byName.get(name);
    if (destination === undefined) throw new Error(`no destination named ${name}`);
    return destination;
  }

  /** Each destination's connection, for those that hold one (brokers). */
  connections(): Record<string, ConnectionCheck> {
    const out: Record<string, ConnectionCheck> = {};
    for (const [name, destination] of this.byName) {
      const check = destination.connection();
      if (check !== undefined) out[name] = check;
    }
    return out;
  }

  /**
   * Resolves true once every broker destination is connected, false after `timeoutMs` (a start
   * waits this long at most: attempts made before a connection is up fail and retry later).
   */
  async whenConnected(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (Object.values(this.connections()).every((c) => c.status === 'connected')) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.drivers.values()].map((d) => d.close()));
  }
}
