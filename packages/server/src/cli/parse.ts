import { InvalidArgumentError } from "commander";

/** A TCP port for `--port`: 0 (any free port) to 65535. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port > 65_535) {
    throw new InvalidArgumentError("give a port number from 0 to 65535");
  }
  return port;
}
