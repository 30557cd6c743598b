/// <reference lib="dom" />
/**
 * Test helpers: where Plot put a mark's elements, in the SVG's own pixels (each element's own
 * `translate` plus those of the groups above it).
 *
 * @module
 */

function translateOf(el: Element): [number, number] {
  const m = /translate\(\s*([-\d.e]+)[ ,]+([-\d.e]+)\s*\)/.exec(el.getAttribute("transform") ?? "");
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

/** The y of an element: its `y`/`cy` (plain numbers only) plus every enclosing translate. */
export function yOf(el: Element): number {
  let y = Number(
    el.getAttribute("cy") ??
      (/^[-\d.]+$/.test(el.getAttribute("y") ?? "") ? el.getAttribute("y") : 0),
  );
  for (
    let at: Element | null = el;
    at && at.tagName.toLowerCase() !== "svg";
    at = at.parentElement
  ) {
    y += translateOf(at)[1];
  }
  return y;
}

/** The `<text>` elements whose content is `content`. */
export function textsWith(svg: Element, content: string): Element[] {
  return [...svg.querySelectorAll("text")].filter((t) => t.textContent === content);
}

/** The y of the highest dot drawn (Plot's `dot` marks). */
export function topDotY(svg: Element): number {
  return Math.min(
    ...[...svg.querySelectorAll("[aria-label='dot'] circle, [aria-label='dot'] path")].map(yOf),
  );
}
