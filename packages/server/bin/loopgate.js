#!/usr/bin/env node
// The CLI entry: registers the TypeScript loader, then runs the command line in src/cli.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
await main(process.argv);
