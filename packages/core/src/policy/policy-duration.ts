import { z } from "zod";
import { DURATION_HINT, parseDuration } from "./duration.ts";

/** A duration such as `30m`, `4h`, `2d`, `1h30m`; see `parseDuration`. Must be longer than zero. */
export const PolicyDuration = z
  .string({ error: `expected a duration: ${DURATION_HINT}` })
  .superRefine((text, ctx) => {
    try {
      if (parseDuration(text) === 0) ctx.addIssue({ code: "custom", message: "must be longer than zero" });
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  });
