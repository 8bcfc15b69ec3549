import type Database from 'better-sqlite3';
import { sqlCreatedState, sqlStates } from '../../domain/delivery-state.ts';

/**
 * Gives a key's turn to its oldest queued delivery, only while no delivery holds it; that one is
 * then due as a new delivery is (held while its destination is paused). Prepared on the
 * connection whose transaction took the turn away (the store has two on one file), so it runs in
 * that same transaction. Returns true if it gave the turn.
 */
export function keyTurnPromoter(
  db: Database.Database,
): (destination: string, key: string, now: number) => boolean {
  const promoteNext = db.prepare<[number, number, string, string, string, string]>(
    `UPDATE deliveries SET key_turn = 1, next_attempt_at = min(next_attempt_at, ?), updated_at = ?,
       state = ${sqlCreatedState('EXISTS (SELECT 1 FROM destination_state s WHERE s.destination = deliveries.destination AND s.paused = 1)')}
     WHERE state IN (${sqlStates('promote')})
       AND id = (SELECT id FROM deliveries WHERE destination = ? AND ordering_key = ?
         AND state = 'queued' ORDER BY key_seq LIMIT 1)
       AND NOT EXISTS (SELECT 1 FROM deliveries WHERE destination = ? AND ordering_key = ?
         AND key_turn = 1)`,
  );
  return (destination, key, now) =>
    promoteNext.run(now, now, destination, key, destination, key).changes > 0;
}
