import { type ReactNode, useEffect, useState } from "react";
import {
  type FieldPath,
  type JsonSchema,
  MASK_PATTERN,
  pointer,
  schemaType,
  setAt,
  valueAt,
} from "./payload-schema.ts";

interface FormProps {
  schema: JsonSchema | null;
  value: Record<string, unknown>;
  problems: Map<string, string[]>;
  onChange: (next: Record<string, unknown>) => void;
  /** Shown, not edited (a reconciliation review): no hints on how to edit a field. */
  readOnly?: boolean;
}

const LONG_TEXT = /body|text|message|note|comment|description|reply|content/i;

/** Characters a line of the payload form holds at its usual width, for sizing a text area. */
const CHARS_A_LINE = 70;

/**
 * Rows that show all of `text` as it wraps (not just its line breaks), so a reviewer reads the whole
 * draft they approve without scrolling inside the box; at most 30, beyond which the box scrolls.
 */
function textRows(text: string): number {
  const wrapped = text
    .split("\n")
    .reduce((rows, line) => rows + Math.max(1, Math.ceil(line.length / CHARS_A_LINE)), 0);
  return Math.min(30, Math.max(3, wrapped + 1));
}

/**
 * The proposed payload as a form generated from the action type's JSON Schema: strings, numbers,
 * booleans and enums get their own controls, nested objects a group, anything else a JSON field.
 * Keys the schema does not name are shown too, so nothing in the payload is hidden.
 */
export function PayloadForm({ schema, value, problems, onChange, readOnly = false }: FormProps) {
  const root = problems.get("#") ?? [];
  return (
    <div className="payload-form">
      {root.length > 0 ? (
        <ul className="field-errors" role="alert">
          {root.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      <ObjectFields
        schema={schema ?? {}}
        path={[]}
        value={value}
        problems={problems}
        onChange={onChange}
        readOnly={readOnly}
      />
    </div>
  );
}

function ObjectFields({
  schema,
  path,
  value,
  problems,
  onChange,
  readOnly,
}: {
  schema: JsonSchema;
  path: FieldPath;
  value: Record<string, unknown>;
  problems: Map<string, string[]>;
  onChange: (next: Record<string, unknown>) => void;
  readOnly: boolean;
}) {
  const own = valueAt(value, path);
  const current =
    own !== null && typeof own === "object" && !Array.isArray(own) ? (own as Record<string, unknown>) : {};
  const keys = [
    ...Object.keys(schema.properties ?? {}),
    ...Object.keys(current).filter((k) => !schema.properties?.[k]),
  ];
  return (
    <>
      {keys.map((key) => {
        const child = schema.properties?.[key];
        const childPath = [...path, key];
        const required = schema.required?.includes(key) ?? false;
        if (schemaType(child) === "object" && child?.properties) {
          return (
            <fieldset key={key} className="nested">
              <legend>{child.title ?? key}</legend>
              <ObjectFields
                schema={child}
                path={childPath}
                value={value}
                problems={problems}
                onChange={onChange}
                readOnly={readOnly}
              />
            </fieldset>
          );
        }
        return (
          <Field
            key={key}
            name={key}
            schema={child}
            required={required}
            path={childPath}
            value={valueAt(value, childPath)}
            problems={problemsAt(problems, childPath)}
            onChange={(next) => onChange(setAt(value, childPath, next))}
            readOnly={readOnly}
          />
        );
      })}
    </>
  );
}

/**
 * The problems at `path` and inside it: a value edited as JSON has no controls for its parts, so what
 * is wrong within it (a mask left in a nested string, a bad array item) is shown at the whole field.
 */
function problemsAt(problems: Map<string, string[]>, path: FieldPath): string[] {
  const at = pointer(path);
  const found = [...problems].flatMap(([where, list]) =>
    where === at || where.startsWith(`${at}/`) ? list : [],
  );
  return [...new Set(found)];
}

function Field({
  name,
  schema,
  required,
  path,
  value,
  problems,
  onChange,
  readOnly,
}: {
  name: string;
  schema: JsonSchema | undefined;
  required: boolean;
  path: FieldPath;
  value: unknown;
  problems: string[];
  onChange: (next: unknown) => void;
  readOnly: boolean;
}) {
  const id = `field-${path.join("-")}`;
  const type = schemaType(schema);
  const masked = typeof value === "string" && MASK_PATTERN.test(value);
  const describedBy = `${id}-help`;
  const label = (
    <label htmlFor={id}>
      {schema?.title ?? name}
      {required ? <span aria-hidden="true"> *</span> : null}
      <span className="field-type">{type ?? "json"}</span>
    </label>
  );
  let control: ReactNode;
  if (schema?.enum) {
    control = (
      <select
        id={id}
        value={JSON.stringify(value)}
        onChange={(e) => onChange(JSON.parse(e.target.value))}
        aria-describedby={describedBy}
      >
        {value === undefined ? <option value={JSON.stringify(null)}>—</option> : null}
        {schema.enum.map((option) => (
          <option key={JSON.stringify(option)} value={JSON.stringify(option)}>
            {String(option)}
          </option>
        ))}
      </select>
    );
  } else if (type === "boolean") {
    control = (
      <input
        id={id}
        type="checkbox"
        checked={value === true}
        onChange={(e) => onChange(e.target.checked)}
        aria-describedby={describedBy}
      />
    );
  } else if (type === "number" || type === "integer") {
    control = (
      <input
        id={id}
        type="number"
        step={type === "integer" ? 1 : "any"}
        value={typeof value === "number" ? value : ""}
        onChange={(e) => onChange(e.target.value === "" ? undefined : Number(e.target.value))}
        aria-invalid={problems.length > 0}
        aria-describedby={describedBy}
      />
    );
  } else if (type === "string" || (type === undefined && typeof value === "string")) {
    const text = typeof value === "string" ? value : "";
    // An address or a name is one line (an email address may be 320 characters long); prose is not.
    const oneLine = schema?.format === "email" || schema?.format === "uri";
    const long =
      !oneLine &&
      ((schema?.maxLength ?? 0) > 500 || LONG_TEXT.test(name) || text.length > 80 || text.includes("\n"));
    control = long ? (
      <textarea
        id={id}
        rows={textRows(text)}
        value={text}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={problems.length > 0}
        aria-describedby={describedBy}
      />
    ) : (
      <input
        id={id}
        value={text}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={problems.length > 0}
        aria-describedby={describedBy}
      />
    );
  } else {
    control = <JsonField id={id} value={value} onChange={onChange} describedBy={describedBy} />;
  }
  return (
    <div className={`field ${problems.length > 0 ? "invalid" : ""}`}>
      {label}
      {control}
      <div id={describedBy} className="field-help">
        {masked && !readOnly ? (
          <span className="masked-note">Masked personal data: leave it, or type the full new value.</span>
        ) : null}
        {schema?.description ? <span>{schema.description}</span> : null}
        {problems.map((p) => (
          <span key={p} className="field-error" role="alert">
            {p}
          </span>
        ))}
      </div>
    </div>
  );
}

/** Any JSON value edited as text; a parse error is shown, the last good value kept. */
function JsonField({
  id,
  value,
  onChange,
  describedBy,
}: {
  id: string;
  value: unknown;
  onChange: (next: unknown) => void;
  describedBy: string;
}) {
  const [text, setText] = useState(() => JSON.stringify(value, null, 2) ?? "");
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText((old) => {
      try {
        return JSON.stringify(JSON.parse(old)) === JSON.stringify(value)
          ? old
          : (JSON.stringify(value, null, 2) ?? "");
      } catch {
        return old;
      }
    });
  }, [value]);
  return (
    <>
      <textarea
        id={id}
        className="json-input"
        rows={4}
        value={text}
        aria-invalid={error !== null}
        aria-describedby={describedBy}
        onChange={(e) => {
          setText(e.target.value);
          try {
            onChange(e.target.value.trim() === "" ? undefined : JSON.parse(e.target.value));
            setError(null);
          } catch {
            setError("Not valid JSON yet: check quotes, commas and brackets");
          }
        }}
      />
      {error ? <span className="field-error">{error}</span> : null}
    </>
  );
}
