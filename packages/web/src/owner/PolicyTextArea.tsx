import { type Ref, useImperativeHandle, useRef, useState } from "react";
import { offsetOf, positionOf } from "./policy-issues.ts";
import "./policy-editor.css";

/** What a parent may do with a {@link PolicyTextArea}: move its cursor to a problem. */
export interface PolicyTextAreaHandle {
  /** Focuses the text with the cursor at a 1-based line and column, and scrolls that line into view. */
  moveTo(line: number, column?: number): void;
}

/**
 * Policy YAML in a plain textarea beside a line-number gutter. The textarea is as tall as its text (no
 * inner vertical scroll), so the page scrolls and the gutter always lines up; lines do not wrap. The
 * gutter is decoration for sighted readers: problems are listed apart, each able to move the cursor here,
 * and the cursor's line and column are shown below.
 */
export function PolicyTextArea({
  id,
  value,
  onChange,
  readOnly = false,
  problemLines = new Set(),
  ref,
}: {
  id: string;
  value: string;
  onChange?: (text: string) => void;
  readOnly?: boolean;
  problemLines?: ReadonlySet<number>;
  ref?: Ref<PolicyTextAreaHandle>;
}) {
  const area = useRef<HTMLTextAreaElement>(null);
  const [cursor, setCursor] = useState<{ line: number; column: number } | null>(null);
  const lines = value.split("\n").length;

  useImperativeHandle(
    ref,
    () => ({
      moveTo(line, column = 1) {
        const element = area.current;
        if (element === null) return;
        const offset = offsetOf(element.value, line, column);
        element.focus({ preventScroll: true });
        element.setSelectionRange(offset, offset);
        setCursor(positionOf(element.value, offset));
        // The textarea does not scroll itself, so bring the line to the upper third of the window.
        const style = getComputedStyle(element);
        const lineHeight = Number.parseFloat(style.lineHeight) || 20;
        const top =
          element.getBoundingClientRect().top +
          window.scrollY +
          (Number.parseFloat(style.paddingTop) || 0) +
          (positionOf(element.value, offset).line - 1) * lineHeight;
        window.scrollTo({ top: Math.max(0, top - window.innerHeight / 3) });
      },
    }),
    [],
  );

  function follow() {
    const element = area.current;
    if (element !== null) setCursor(positionOf(element.value, element.selectionStart));
  }

  return (
    <div className="policy-text-area">
      <div className="policy-lines">
        <ol className="policy-gutter" aria-hidden="true">
          {Array.from({ length: lines }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a line number is its own identity
            <li key={i} className={problemLines.has(i + 1) ? "problem" : undefined}>
              {i + 1}
            </li>
          ))}
        </ol>
        <textarea
          ref={area}
          id={id}
          className="policy-input"
          value={value}
          rows={lines + 1}
          wrap="off"
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          readOnly={readOnly}
          onChange={(e) => {
            onChange?.(e.target.value);
            setCursor(positionOf(e.target.value, e.target.selectionStart));
          }}
          onSelect={follow}
          onClick={follow}
        />
      </div>
      <p className="meta policy-cursor">
        {lines} lines
        {cursor ? ` · cursor at line ${cursor.line}, column ${cursor.column}` : ""}
      </p>
    </div>
  );
}
