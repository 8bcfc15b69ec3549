import type { Redis } from 'ioredis';
import type { BreakerState } from '../delivery/circuit-breaker.ts';

/**
 * The shared circuit breaker's transitions, each one Lua script so that every instance sees one
 * order of events. Times come from the callers' clocks (ms), like the local breaker's.
 *
 * KEYS[1], a hash: state, consecutive, openedAt, probeOwner, probeUntil (the half-open probe's
 * lease: it expires if its instance dies), requests and failures (the window's running totals),
 * oldest and newest (bucket indexes in the window).
 * KEYS[2], a hash: r<bucket> and f<bucket>, requests and failures per bucket of the window, so
 * a result costs a few hash operations, not a scan of the window.
 */
const prelude = `
local state_key, window_key = KEYS[1], KEYS[2]

local function num(field)
  return tonumber(redis.call('HGET', state_key, field)) or 0
end

-- Integers as digits: tostring() would write 1.7e+12 for large ones.
local function int(value)
  return string.format('%.0f', value)
end

local function clear()
  if window_key then redis.call('DEL', window_key) end
  redis.call('HDEL', state_key, 'openedAt', 'probeOwner', 'probeUntil', 'oldest', 'newest')
  redis.call('HSET', state_key, 'state', 'closed', 'consecutive', 0, 'requests', 0, 'failures', 0)
end

-- Drops buckets that left the window from the totals; at most one window of buckets.
local function trim(now, window_ms, bucket_ms)
  local first = math.floor((now - window_ms) / bucket_ms)
  local oldest = tonumber(redis.call('HGET', state_key, 'oldest'))
  if oldest == nil or oldest >= first then return end
  if num('newest') < first then
    redis.call('DEL', window_key)
    redis.call('HDEL', state_key, 'oldest', 'newest')
    redis.call('HSET', state_key, 'requests', 0, 'failures', 0)
    return
  end
  local requests, failures = num('requests'), num('failures')
  for i = oldest, first - 1 do
    local r, f = 'r' .. int(i), 'f' .. int(i)
    requests = requests - (tonumber(redis.call('HGET', window_key, r)) or 0)
    failures = failures - (tonumber(redis.call('HGET', window_key, f)) or 0)
    redis.call('HDEL', window_key, r, f)
  end
  redis.call('HSET', state_key, 'requests', requests, 'failures', failures, 'oldest', int(first))
end

local function add(now, failed, window_ms, bucket_ms)
  local index = math.floor(now / bucket_ms)
  redis.call('HINCRBY', window_key, 'r' .. int(index), 1)
  redis.call('HINCRBY', state_key, 'requests', 1)
  if failed then
    redis.call('HINCRBY', window_key, 'f' .. int(index), 1)
    redis.call('HINCRBY', state_key, 'failures', 1)
  end
  local oldest = tonumber(redis.call('HGET', state_key, 'oldest'))
  if oldest == nil or index < oldest then redis.call('HSET', state_key, 'oldest', int(index)) end
  if index > num('newest') then redis.call('HSET', state_key, 'newest', int(index)) end
  redis.call('PEXPIRE', window_key, int(window_ms + bucket_ms))
end
`;

/**
 * ARGV: now, resetTimeout, token, leaseMs. Returns {allowance (-1: unlimited), from, to}.
 * After the reset timeout the first caller moves it to half_open; whoever finds no live probe
 * lease takes it and may send the one probe.
 */
const allow = `${prelude}
local now, reset_timeout, token, lease_ms =
  tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local state = redis.call('HGET', state_key, 'state') or 'closed'
local from = state
if state == 'closed' then return {-1, from, state} end
if state == 'open' then
  if now < num('openedAt') + reset_timeout then return {0, from, state} end
  state = 'half_open'
  redis.call('HSET', state_key, 'state', state)
  redis.call('HDEL', state_key, 'probeOwner', 'probeUntil')
end
local lease_end = tonumber(redis.call('HGET', state_key, 'probeUntil'))
if lease_end ~= nil and lease_end > now then return {0, from, state} end
redis.call('HSET', state_key, 'probeOwner', token, 'probeUntil', int(now + lease_ms))
return {1, from, state}
`;

/** ARGV: token. Gives back a probe lease that was granted but not used (nothing was due). */
const release = `${prelude}
if redis.call('HGET', state_key, 'probeOwner') == ARGV[1] then
  redis.call('HDEL', state_key, 'probeOwner', 'probeUntil')
end
return 0
`;

/**
 * ARGV: now, failed (0/1), token, failureThreshold, failureRatio, minimumRequests, windowMs,
 * bucketMs. Returns {from, to, why}. In half_open only the probe's owner decides; other results
 * (attempts started before it opened) are ignored.
 */
const result = `${prelude}
local now, failed, token = tonumber(ARGV[1]), ARGV[2] == '1', ARGV[3]
local threshold, ratio, minimum = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local window_ms, bucket_ms = tonumber(ARGV[7]), tonumber(ARGV[8])
local state = redis.call('HGET', state_key, 'state') or 'closed'
if state == 'half_open' then
  if redis.call('HGET', state_key, 'probeOwner') ~= token then return {state, state, ''} end
  if failed then
    redis.call('HSET', state_key, 'state', 'open', 'openedAt', int(now))
    redis.call('HDEL', state_key, 'probeOwner', 'probeUntil')
    return {state, 'open', 'probe failed'}
  end
  clear()
  return {state, 'closed', 'probe succeeded'}
end
trim(now, window_ms, bucket_ms)
add(now, failed, window_ms, bucket_ms)
local consecutive = 0
if failed then consecutive = num('consecutive') + 1 end
redis.call('HSET', state_key, 'consecutive', consecutive)
if state ~= 'closed' or not failed then return {state, state, ''} end
local requests, failures = num('requests'), num('failures')
local why = ''
if consecutive >= threshold then
  why = int(consecutive) .. ' consecutive failures'
elseif requests >= minimum and failures / requests >= ratio then
  why = int(failures) .. '/' .. int(requests) .. ' failed in the window'
else
  return {state, state, ''}
end
redis.call('HSET', state_key, 'state', 'open', 'openedAt', int(now))
return {state, 'open', why}
`;

/** ARGV: now, windowMs, bucketMs. Returns {state, consecutive, requests, failures, openedAt|-1}. */
const snapshot = `${prelude}
trim(tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]))
local opened_at = redis.call('HGET', state_key, 'openedAt')
return {
  redis.call('HGET', state_key, 'state') or 'closed',
  num('consecutive'), num('requests'), num('failures'),
  tonumber(opened_at) or -1,
}
`;

/** Returns the state it was in; now closed with its counters cleared. */
const reset = `${prelude}
local from = redis.call('HGET', state_key, 'state') or 'closed'
clear()
return from
`;

export interface BreakerCommands {
  hgBreakerAllow(
    stateKey: string,
    now: number,
    resetTimeout: number,
    token: string,
    leaseMs: number,
  ): Promise<[number, BreakerState, BreakerState]>;
  hgBreakerRelease(stateKey: string, token: string): Promise<number>;
  hgBreakerResult(
    stateKey: string,
    windowKey: string,
    now: number,
    failed: 0 | 1,
    token: string,
    failureThreshold: number,
    failureRatio: number,
    minimumRequests: number,
    windowMs: number,
    bucketMs: number,
  ): Promise<[BreakerState, BreakerState, string]>;
  hgBreakerSnapshot(
    stateKey: string,
    windowKey: string,
    now: number,
    windowMs: number,
    bucketMs: number,
  ): Promise<[BreakerState, number, number, number, number]>;
  hgBreakerReset(stateKey: string, windowKey: string): Promise<BreakerState>;
}

const defined = new WeakSet<Redis>();

/** The scripts as commands of this client (EVALSHA, EVAL after a Redis restart). */
export function breakerCommands(client: Redis): BreakerCommands {
  if (!defined.has(client)) {
    client.defineCommand('hgBreakerAllow', { numberOfKeys: 1, lua: allow });
    client.defineCommand('hgBreakerRelease', { numberOfKeys: 1, lua: release });
    client.defineCommand('hgBreakerResult', { numberOfKeys: 2, lua: result });
    client.defineCommand('hgBreakerSnapshot', { numberOfKeys: 2, lua: snapshot });
    client.defineCommand('hgBreakerReset', { numberOfKeys: 2, lua: reset });
    defined.add(client);
  }
  return client as unknown as BreakerCommands;
}
