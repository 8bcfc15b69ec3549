import type { Simulator } from './simulator.ts';

/** Every provider's simulator by provider name (`hookgate send <provider>`). */
const all: Record<string, Simulator> = {};

export const simulators: ReadonlyMap<string, Simulator> = new Map(Object.entries(all));
