/**
 * No official Zoom vector exists: Zoom's docs give the formula only, and its SDK (@zoom/rivet)
 * ships no test vectors. The tests recompute signatures with Node's crypto instead.
 */
export const zoomVectors = [] as const;
