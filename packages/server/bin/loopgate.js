#!/usr/bin/env -S node --max-semi-space-size=32
// The CLI entry: registers the TypeScript loader, then runs the command line in src/cli.
//
// The node flag above sizes V8's young generation for a server's allocation rate: with Node 20's
// default (semi-spaces of at most 16 MB) a busy `serve` scavenges every ~40 ms and promotes requests
// still in flight into the old generation, which the concurrent marker then has to trace. 32 MB costs
// ~5–7 % less CPU a proposal (docs/benchmarks.md, "The young generation"). Worker threads and `--workers`
// processes inherit it. Started another way (`node bin/loopgate.js serve`), pass the flag yourself.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
await main(process.argv);
