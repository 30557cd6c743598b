/// <reference lib="dom" />
/**
 * Rich display for the Deno Jupyter kernel without depending on it: values carry a method keyed by
 * `Symbol.for("Jupyter.display")` that returns a MIME bundle. The kernel renders such a value when a
 * cell ends with it; outside the kernel (scripts, tests) the bundle is a plain object to inspect.
 *
 * @module
 */
import { consoleReporter, type Reporter } from "../cli/mod.ts";
import { figureToSvg } from "../plots/_render.ts";

/** The symbol the Deno kernel looks for on a cell's result (same as `Deno.jupyter.$display`). */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** MIME type to content, e.g. `{"image/svg+xml": "<svg ...>", "text/plain": "Figure"}`. */
export type MimeBundle = Record<string, string>;

/** A value the Deno kernel can display. */
export interface Displayable {
  /** Returns the MIME bundle the kernel shows for this value. */
  [JUPYTER_DISPLAY](): MimeBundle;
}

/**
 * Wraps a MIME bundle as a displayable value.
 *
 * @param bundle The bundle to show.
 * @returns A value whose `Symbol.for("Jupyter.display")` method returns `bundle`.
 *
 * @example
 * ```ts
 * import { displayable, mimeBundle } from "./_display.ts";
 * if (mimeBundle(displayable({ "text/plain": "hi" }))["text/plain"] !== "hi") throw new Error();
 * ```
 */
export function displayable(bundle: MimeBundle): Displayable {
  return { [JUPYTER_DISPLAY]: () => bundle };
}

/**
 * The MIME bundle of a displayable value.
 *
 * @param value A value made by the helpers of this folder (or any object with the symbol method).
 * @returns Its bundle.
 * @throws {TypeError} When the value has no display method.
 *
 * @example
 * ```ts
 * import { displayable, mimeBundle } from "./_display.ts";
 * if (!("text/html" in mimeBundle(displayable({ "text/html": "<b>x</b>" })))) throw new Error();
 * ```
 */
export function mimeBundle(value: unknown): MimeBundle {
  const method = typeof value === "object" && value !== null
    ? (value as Record<symbol, unknown>)[JUPYTER_DISPLAY]
    : undefined;
  if (typeof method !== "function") {
    throw new TypeError(
      `Cannot read a MIME bundle: current value is not displayable (${typeof value})`,
    );
  }
  return method.call(value) as MimeBundle;
}

/** Options of {@linkcode display}. */
export interface DisplayOptions {
  /** Text shown where rich output is not rendered. @default "Figure" or the text itself */
  alt?: string;
}

/**
 * Makes a value displayable: a Plot `<svg>` becomes `image/svg+xml` (with the `xmlns` linkedom
 * omits) and the same markup as `text/html`, which front ends and nbconvert prefer (nbconvert 6.5
 * sanitises `image/svg+xml` down to its text when exporting HTML); a Plot `<figure>` (with a title
 * or legend) becomes `text/html`; a string becomes `text/plain`; a displayable value is returned
 * as it is.
 *
 * @param value A figure element, a string, or a displayable value.
 * @param options Alternative text.
 * @returns The displayable value.
 * @throws {TypeError} For any other value.
 *
 * @example
 * ```ts
 * import { newDocument } from "../plots/mod.ts";
 * import { display, mimeBundle } from "./_display.ts";
 * const svg = newDocument().createElementNS("http://www.w3.org/2000/svg", "svg");
 * const bundle = mimeBundle(display(svg as unknown as Element));
 * if (!bundle["image/svg+xml"]?.includes('xmlns="http://www.w3.org/2000/svg"')) throw new Error();
 * ```
 */
export function display(value: unknown, options: DisplayOptions = {}): Displayable {
  if (typeof value === "string") return displayable({ "text/plain": options.alt ?? value });
  if (typeof value === "object" && value !== null) {
    if (typeof (value as Record<symbol, unknown>)[JUPYTER_DISPLAY] === "function") {
      return value as Displayable;
    }
    const tag = (value as { tagName?: unknown }).tagName;
    if (typeof tag === "string") {
      const element = value as Element;
      const alt = options.alt ?? "Figure";
      if (tag.toLowerCase() === "svg") {
        const svg = figureToSvg(element);
        return displayable({ "image/svg+xml": svg, "text/html": svg, "text/plain": alt });
      }
      for (const svg of element.querySelectorAll("svg")) {
        if (!svg.getAttribute("xmlns")) svg.setAttribute("xmlns", "http://www.w3.org/2000/svg");
      }
      return displayable({ "text/html": element.outerHTML, "text/plain": alt });
    }
  }
  throw new TypeError(
    `Cannot display the value: current value is ${Object.prototype.toString.call(value)}`,
  );
}

/** Options of {@linkcode showAll}. */
export interface ShowOptions {
  /** Where each value's `text/plain` goes outside the kernel. @default consoleReporter() */
  reporter?: Reporter;
}

/**
 * Shows values now: inside the Deno kernel through `Deno.jupyter.display` (one output each, so a
 * cell can show many figures); elsewhere each value's `text/plain` is a status line of the
 * reporter.
 *
 * @param values Figures, strings or displayable values (see {@linkcode display}).
 * @param options The reporter used outside the kernel.
 * @returns Resolves once every value is shown.
 * @throws {TypeError} When a value cannot be displayed.
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/mod.ts";
 * import { displayable, showAll } from "./_display.ts";
 * const reporter = memoryReporter();
 * await showAll(["a figure's text", displayable({ "text/html": "<b>x</b>" })], { reporter });
 * if (reporter.infos.join("|") !== "a figure's text|text/html") throw new Error("unexpected");
 * ```
 */
export async function showAll(
  values: readonly unknown[],
  options: ShowOptions = {},
): Promise<void> {
  const { reporter = consoleReporter() } = options;
  let jupyter: typeof Deno.jupyter | undefined;
  try {
    jupyter = Deno.jupyter;
  } catch {
    jupyter = undefined;
  }
  for (const value of values) {
    const bundle = mimeBundle(display(value));
    if (jupyter) await jupyter.display(bundle, { raw: true });
    else reporter.info(bundle["text/plain"] ?? Object.keys(bundle).join(", "));
  }
}

/**
 * Shows values now, as {@linkcode showAll} with the default reporter: in the Deno kernel one
 * output each; elsewhere each value's `text/plain` on stdout.
 *
 * @param values Figures, strings or displayable values (see {@linkcode display}).
 * @returns Resolves once every value is shown.
 * @throws {TypeError} When a value cannot be displayed.
 *
 * @example
 * ```ts
 * import { show } from "./_display.ts";
 * await show("shown as text outside the kernel");
 * let refused = false;
 * try {
 *   await show(42);
 * } catch (e) {
 *   refused = e instanceof TypeError;
 * }
 * if (!refused) throw new Error("a number has no display and must be refused");
 * ```
 */
export function show(...values: unknown[]): Promise<void> {
  return showAll(values);
}
