import { diffWords } from "diff";

function show(value: unknown): string {
  if (value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function flatten(value: unknown, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      for (const [k, v] of flatten(child, prefix ? `${prefix}.${key}` : key)) out.set(k, v);
    }
  } else {
    out.set(prefix, value);
  }
  return out;
}

/**
 * The reviewer's edits against the agent's proposal, field by field, word by word. A closed review
 * shows what was approved against what was proposed instead, under its own `label` and `unchanged` text.
 */
export function PayloadDiff({
  before,
  after,
  label = "Your edits",
  unchanged = "No edits: approving sends the payload as proposed.",
}: {
  before: unknown;
  after: unknown;
  label?: string;
  unchanged?: string;
}) {
  const a = flatten(before);
  const b = flatten(after);
  const keys = [...new Set([...a.keys(), ...b.keys()])].filter((k) => show(a.get(k)) !== show(b.get(k)));
  if (keys.length === 0) return <p className="muted">{unchanged}</p>;
  return (
    <dl className="diff" aria-label={label}>
      {keys.map((key) => (
        <div key={key} className="diff-row">
          <dt>{key}</dt>
          <dd>
            {diffWords(show(a.get(key)), show(b.get(key))).map((part, i) =>
              part.added ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: diff parts have no identity but their order
                <ins key={i}>{part.value}</ins>
              ) : part.removed ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: as above
                <del key={i}>{part.value}</del>
              ) : (
                // biome-ignore lint/suspicious/noArrayIndexKey: as above
                <span key={i}>{part.value}</span>
              ),
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}
