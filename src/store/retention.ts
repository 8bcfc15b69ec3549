/** What one retention step deleted. */
export interface PruneCount {
  readonly events: number;
  readonly deliveries: number;
  readonly attempts: number;
}
