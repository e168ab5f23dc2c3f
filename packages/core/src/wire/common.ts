import { z } from "zod";

/**
 * Limits applied to every string and collection an agent can send. They keep one proposal small
 * enough to store, hash and show on one screen; the HTTP layer enforces the body size separately.
 */
export const LIMITS = {
  /** Longest free text (request text, snippets, drafted replies), in characters. */
  text: 100_000,
  /** Longest short label (ids, titles, names), in characters. */
  label: 500,
  /** Most evidence items, tool calls or alternatives in one proposal. */
  items: 200,
} as const;

/** Identifier of an action type, e.g. `billing.refund`: lower-case segments joined by dots. */
export const ActionTypeName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/, {
    message: "use lower-case words joined by dots, e.g. billing.refund",
  });
export type ActionTypeName = z.infer<typeof ActionTypeName>;

/** A free snake_case label such as a decision's reason category. */
export const SnakeCase = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z][a-z0-9_]*$/, { message: "use snake_case, e.g. wrong_amount" });

/** An ISO-8601 UTC timestamp as produced by `Date.prototype.toISOString`. */
export const Timestamp = z.string().datetime({ offset: true });

/** Any JSON object: the shape of payloads, contexts and tool inputs. */
export const JsonObject = z.record(z.string(), z.unknown());
export type JsonObject = z.infer<typeof JsonObject>;

/**
 * How a person acted: through an API key (a script or an integration acting as them) or a session
 * they signed in to, each by its id (`loopgate keys list` names the key; the `session.started` entry
 * records the sign-in).
 */
export const ActorVia = z.object({
  kind: z.enum(["key", "session"]),
  id: z.string(),
});
export type ActorVia = z.infer<typeof ActorVia>;

/**
 * Who did something: an agent (through its API key), a person, or Loopgate itself. A person's acts
 * recorded since the credential was recorded say `via` which one; older entries and the entries of a
 * sign-in itself have none.
 */
export const Actor = z.object({
  kind: z.enum(["agent", "user", "system"]),
  id: z.string(),
  name: z.string(),
  via: ActorVia.optional().describe("a person's acts: the API key or the session they acted through"),
});
export type Actor = z.infer<typeof Actor>;

/** The roles an API key or a person can hold. */
export const Role = z.enum(["agent", "reviewer", "owner", "auditor"]);
export type Role = z.infer<typeof Role>;

/** The error envelope every non-2xx response carries. */
export const ErrorEnvelope = z.object({
  error: z.object({
    code: z.string().describe("stable snake_case code, e.g. invalid_input"),
    message: z.string().describe("what went wrong and what to do"),
    details: z.unknown().optional(),
    requestId: z.string(),
  }),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

/** A field-level problem inside an error's details. */
export const FieldIssue = z.object({ path: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof FieldIssue>;

/** Every list endpoint answers this shape. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** `?limit=&cursor=` on list endpoints. */
export const Page = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});
export type Page = z.infer<typeof Page>;
