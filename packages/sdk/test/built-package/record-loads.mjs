// `node --import ./record-loads.mjs main.mjs`: appends the URL of every module loaded to the file named
// by LOOPGATE_LOADS (the hooks run on a thread of their own, hence the file).
import { register } from "node:module";

register("./load-hooks.mjs", import.meta.url, { data: { file: process.env.LOOPGATE_LOADS } });
