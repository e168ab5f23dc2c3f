import { connect, type Socket } from "node:net";

/**
 * A minimal HTTP/1.1 keep-alive client for load generation: N persistent connections, one request in
 * flight on each (no pipelining), requests queued in order when every connection is busy.
 *
 * The load generator shares the machine with the server it measures, so it is kept cheap: a request
 * is one string written to the socket, and a response is read only as far as its status, its length
 * (Content-Length or chunked) and its end — about a tenth of the CPU a general client such as undici
 * spends per request, which on a 2-core machine is capacity the server gets back.
 */
export class HttpLoadClient {
  readonly #host: string;
  readonly #port: number;
  readonly #idle: Connection[] = [];
  readonly #all: Connection[] = [];
  readonly #queue: {
    head: string;
    body: string;
    done: Done;
    fail: (e: Error) => void;
    wantBody: boolean;
  }[] = [];

  private constructor(url: URL) {
    this.#host = url.hostname;
    this.#port = Number(url.port);
  }

  /** Opens `connections` connections to `url` (http only). */
  static async open(url: string, connections: number): Promise<HttpLoadClient> {
    const client = new HttpLoadClient(new URL(url));
    await Promise.all(Array.from({ length: connections }, () => client.#connect()));
    return client;
  }

  /**
   * Sends `POST path` with a JSON body and the given extra header lines (each `Name: value`), and
   * resolves with the response status once the whole response has been read.
   */
  post(path: string, headerLines: string, body: string): Promise<number> {
    const head =
      `POST ${path} HTTP/1.1\r\nHost: ${this.#host}:${this.#port}\r\n${headerLines}` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    return new Promise((done, fail) => this.#send(head, body, done, fail, false));
  }

  /**
   * Sends `method path` (a JSON body when `body` is given) and resolves with the status and the
   * response body as text; decoding the body is the only cost `post` does not have.
   */
  request(
    method: string,
    path: string,
    headerLines: string,
    body?: string,
  ): Promise<{ status: number; body: string }> {
    const head =
      `${method} ${path} HTTP/1.1\r\nHost: ${this.#host}:${this.#port}\r\n${headerLines}` +
      (body === undefined
        ? "\r\n"
        : `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`);
    return new Promise((resolve, fail) =>
      this.#send(head, body ?? "", (status, text) => resolve({ status, body: text }), fail, true),
    );
  }

  #send(head: string, body: string, done: Done, fail: (e: Error) => void, wantBody: boolean): void {
    const connection = this.#idle.pop();
    if (connection === undefined) this.#queue.push({ head, body, done, fail, wantBody });
    else connection.send(head, body, done, fail, wantBody);
  }

  close(): void {
    for (const connection of this.#all) connection.socket.destroy();
  }

  async #connect(): Promise<void> {
    const socket = connect({ host: this.#host, port: this.#port, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const connection = new Connection(socket, () => {
      const next = this.#queue.shift();
      if (next === undefined) this.#idle.push(connection);
      else connection.send(next.head, next.body, next.done, next.fail, next.wantBody);
    });
    this.#all.push(connection);
    this.#idle.push(connection);
  }
}

/** Called with the status, and the body as text when it was asked for (else ""). */
type Done = (status: number, body: string) => void;

const HEADER_END = Buffer.from("\r\n\r\n");

class Connection {
  #buffer: Buffer = Buffer.alloc(0);
  #done: Done | null = null;
  #fail: ((error: Error) => void) | null = null;
  #wantBody = false;

  constructor(
    readonly socket: Socket,
    private readonly onFree: () => void,
  ) {
    socket.on("data", (chunk: Buffer) => {
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
      this.#tryComplete();
    });
    const broken = (error?: Error) => {
      const fail = this.#fail;
      this.#done = null;
      this.#fail = null;
      fail?.(error ?? new Error("connection closed"));
    };
    socket.on("error", broken);
    socket.on("close", () => broken());
  }

  send(head: string, body: string, done: Done, fail: (error: Error) => void, wantBody = false): void {
    this.#done = done;
    this.#fail = fail;
    this.#wantBody = wantBody;
    this.socket.write(head + body);
  }

  /** Completes the response in the buffer once all of it has arrived. */
  #tryComplete(): void {
    const buffer = this.#buffer;
    const headerEnd = buffer.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = buffer.toString("latin1", 0, headerEnd);
    const status = Number(head.slice(9, 12));
    const bodyStart = headerEnd + 4;
    let end: number;
    let chunked = false;
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (length !== null) {
      end = bodyStart + Number(length[1]);
      if (buffer.length < end) return;
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const last = chunkedEnd(buffer, bodyStart);
      if (last < 0) return;
      end = last;
      chunked = true;
    } else {
      end = bodyStart;
    }
    const text = !this.#wantBody
      ? ""
      : chunked
        ? dechunk(buffer, bodyStart)
        : buffer.toString("utf8", bodyStart, end);
    this.#buffer = end === buffer.length ? Buffer.alloc(0) : buffer.subarray(end);
    const done = this.#done;
    this.#done = null;
    this.#fail = null;
    done?.(status, text);
    this.onFree();
  }
}

/** Where a chunked body that starts at `start` ends, or -1 when its last chunk has not arrived. */
function chunkedEnd(buffer: Buffer, start: number): number {
  let at = start;
  for (;;) {
    const lineEnd = buffer.indexOf("\r\n", at);
    if (lineEnd < 0) return -1;
    const size = Number.parseInt(buffer.toString("latin1", at, lineEnd), 16);
    at = lineEnd + 2 + size + 2;
    if (at > buffer.length) return -1;
    if (size === 0) return at;
  }
}

/** The body of a complete chunked response that starts at `start`, as text. */
function dechunk(buffer: Buffer, start: number): string {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = buffer.indexOf("\r\n", at);
    const size = Number.parseInt(buffer.toString("latin1", at, lineEnd), 16);
    if (size === 0) return Buffer.concat(parts).toString("utf8");
    parts.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
