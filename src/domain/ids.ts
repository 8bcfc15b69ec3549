import { v7 as uuidv7 } from 'uuid';

/** Time-ordered ids with a readable prefix: `evt_0193…`, `dlv_0193…`. */
export type IdPrefix = 'evt' | 'dlv' | 'att';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${uuidv7().replaceAll('-', '')}`;
}
