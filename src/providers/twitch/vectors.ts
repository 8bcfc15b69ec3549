/**
 * No official Twitch vector exists: Twitch's docs give the formula and a sample message but no
 * signature, and there is no official npm verifier (the Twitch CLI is Go). The tests recompute
 * signatures with Node's crypto instead.
 */
export const twitchVectors = [] as const;
