/** What use cases may ask of the running execution dispatcher. */
export interface ExecutionControl {
  /** Looks for due executions now instead of at the next poll. */
  wake(): void;
  /**
   * Resolves once no attempt covered by `covers` is in flight in this process, so that when a stop is
   * acknowledged, no delivery in its scope is still under way here.
   */
  settle(covers: (agentId: string, actionType: string) => boolean): Promise<void>;
}
