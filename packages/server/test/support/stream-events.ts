/** One Server-Sent Event from `/v1/events`, its data parsed. */
export interface StreamedEvent {
  event: string;
  data: any;
}

/** A caller's `/v1/events`, read in the background from the moment it is opened. */
export interface EventStream {
  /** The server's answer, once its headers are in. */
  response: Promise<Response>;
  /** The events so far, in the order they came; the `ready` event is left out. */
  events: StreamedEvent[];
  /** Settles when the server says the stream is subscribed (its `ready` event). */
  ready: Promise<void>;
  /**
   * Waits for the stream to be ready (a second at most), runs `act`, then reads until `count` events
   * arrived or two seconds passed, and closes the stream.
   */
  collect(count: number, act: () => Promise<void>): Promise<StreamedEvent[]>;
  /** Closes the stream and waits for the reading to end. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens `/v1/events` at `baseUrl` as the holder of `key` and reads it until stopped. */
export function streamEvents(baseUrl: string, key: string): EventStream {
  const controller = new AbortController();
  const events: StreamedEvent[] = [];
  let limit = Number.POSITIVE_INFINITY;
  let markReady = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const response = fetch(`${baseUrl}/v1/events`, {
    headers: { authorization: `Bearer ${key}` },
    signal: controller.signal,
  });
  const reading = (async () => {
    const reader = (await response).body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    while (events.length < limit) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === "ready") markReady();
        else if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    }
  })().catch(() => undefined);
  const stop = async () => {
    controller.abort();
    await reading;
  };
  return {
    response,
    events,
    ready,
    stop,
    async collect(count, act) {
      limit = count;
      await response;
      await Promise.race([ready, sleep(1000)]);
      await act();
      await Promise.race([reading, sleep(2000)]);
      await stop();
      return events;
    },
  };
}
