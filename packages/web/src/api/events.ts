import { useEffect, useRef } from "react";

/** What `/v1/events` sends: one change the caller may see. */
export interface ChangeEvent {
  type: string;
  proposalId: string | null;
  reviewId: string | null;
  queue: string | null;
  status: string | null;
  at: string;
}

const EVENT_TYPES = [
  "proposal.created",
  "proposal.updated",
  "review.opened",
  "review.updated",
  "review.closed",
  "policy.loaded",
  "stop.created",
  "stop.lifted",
];

/**
 * Listens to the server's change stream (Server-Sent Events, with the session cookie) and calls
 * `onChange` for each change; `onState` learns whether the stream is live. EventSource reconnects by
 * itself after a drop; on reconnecting, `onChange(null)` asks the caller to refresh what it shows.
 */
export function useChangeEvents(
  onChange: (event: ChangeEvent | null) => void,
  onState?: (live: boolean) => void,
): void {
  const handler = useRef(onChange);
  handler.current = onChange;
  const stateHandler = useRef(onState);
  stateHandler.current = onState;
  useEffect(() => {
    const source = new EventSource("/v1/events", { withCredentials: true });
    const listener = (message: MessageEvent<string>) => {
      try {
        handler.current(JSON.parse(message.data) as ChangeEvent);
      } catch {
        handler.current(null);
      }
    };
    for (const type of EVENT_TYPES) source.addEventListener(type, listener as EventListener);
    source.addEventListener("ready", () => {
      stateHandler.current?.(true);
      handler.current(null);
    });
    source.onerror = () => stateHandler.current?.(false);
    return () => source.close();
  }, []);
}
