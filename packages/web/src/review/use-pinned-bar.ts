import { type RefObject, useEffect, useState } from "react";

/** The panels that hold the decision (Decide, a reconciliation's Decide, a blind review's first judgement). */
const DECIDE_PANELS = ":scope > .decide, :scope > .decision";

/**
 * The height of the decide bar while it is pinned to the bottom of the screen (a phone's width, as
 * `review.css` lays the page out), else 0: the strip of the packet it covers. Found among `side`'s
 * children whichever panel holds the decision now, and measured again whenever it changes size (a
 * verdict picked, the window turned).
 */
export function usePinnedBar(side: RefObject<HTMLElement | null>, shown: boolean): number {
  const [height, setHeight] = useState(0);
  useEffect(() => {
    const container = side.current;
    if (!shown || container === null) return;
    let bar: Element | null = null;
    const measure = () => {
      const style = bar === null ? null : getComputedStyle(bar);
      // Pinned: sticky to the bottom edge (wide windows stick the panel to the top, or not at all).
      const pinned = style !== null && style.position === "sticky" && style.bottom !== "auto";
      setHeight(pinned && bar !== null ? Math.ceil(bar.getBoundingClientRect().height) : 0);
    };
    const resized = new ResizeObserver(measure);
    const find = () => {
      const found = container.querySelector(DECIDE_PANELS);
      if (found === bar) return;
      if (bar !== null) resized.unobserve(bar);
      bar = found;
      if (bar === null) measure();
      else resized.observe(bar);
    };
    const changed = new MutationObserver(find);
    changed.observe(container, { childList: true });
    find();
    return () => {
      resized.disconnect();
      changed.disconnect();
      setHeight(0);
    };
  }, [side, shown]);
  return height;
}
