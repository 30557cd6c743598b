/**
 * The one gate between a request's URL path and the files the explorer serves. A path is taken
 * only when, decoded once, it is a plain relative path: no empty, `.` or `..` segment, no
 * absolute or drive path, no backslash, no control character, and no `%` left after decoding
 * (a double-encoded `%252e%252e` stays refused). Everything else is answered 404 by the server.
 *
 * @module
 */

/**
 * The segments of a request path that may name a served entry, or `undefined` when it may not.
 *
 * @param raw The URL path after the route prefix, still percent-encoded (as `URL.pathname` has it).
 * @returns The decoded segments, or `undefined`.
 *
 * @example
 * ```ts
 * import { safeSegments } from "./_safe_path.ts";
 * if (safeSegments("id_003/00.png")?.join("|") !== "id_003|00.png") throw new Error("plain");
 * for (const bad of ["../x", "a/%2e%2e/b", "%2e%2e%2fx", "a/%252e%252e/b", "/etc/passwd", "a\\..\\b", "a//b"]) {
 *   if (safeSegments(bad) !== undefined) throw new Error(bad);
 * }
 * ```
 */
export function safeSegments(raw: string): string[] | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return undefined; // malformed escapes
  }
  if (decoded.length === 0 || decoded.length > 4096) return undefined;
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f\\%]/.test(decoded)) return undefined;
  if (decoded.startsWith("/") || /^[A-Za-z]:/.test(decoded)) return undefined;
  const segments = decoded.split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) return undefined;
  return segments;
}

/**
 * Whether `path` (already resolved with `Deno.realPath`) lies inside `root` (also resolved): the
 * check that keeps a symbolic link inside a served folder from leading out of it.
 *
 * @param root The served folder's real path.
 * @param path The entry's real path.
 * @returns True when `path` is `root` or below it.
 *
 * @example
 * ```ts
 * import { isInside } from "./_safe_path.ts";
 * if (!isInside("/data/set", "/data/set/a/1.jpg") || isInside("/data/set", "/data/settle/x")) {
 *   throw new Error("prefix is not containment");
 * }
 * ```
 */
export function isInside(root: string, path: string): boolean {
  const base = root.endsWith("/") ? root : `${root}/`;
  return path === root || path.startsWith(base);
}
