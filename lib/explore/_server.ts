/**
 * The explorer's web server: `Deno.serve` on 127.0.0.1 over a {@linkcode Catalog}. It serves the
 * page (`_index.html`, `_app.js`, `_style.css`), Observable Plot and d3 from the kit's installed
 * packages (no CDN: the page works offline), the catalog and its files as JSON by index, and
 * images of the named datasets by `<identity>/<image>`. It reads only what the catalog lists,
 * writes nothing, and answers 404 to any other path (`..`, absolute, encoded or double-encoded
 * variants, symbolic links out of a served folder).
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readBestMatches } from "../formats/_best_match_csv.ts";
import { readClosest } from "../formats/_closest_json.ts";
import { readScoreFile } from "../formats/_score_file.ts";
import { browserScriptFiles } from "../plots/_browser_assets.ts";
import type { Catalog } from "./_catalog.ts";
import { type ImageIndex, imageMimeType, openImageIndex } from "./_image_index.ts";
import { safeSegments } from "./_safe_path.ts";

/** Options of {@linkcode startExplorer}. */
export interface ExplorerOptions {
  /** Port; 0 takes a free one. @default 0 */
  port?: number;
  /** Interface to listen on. @default "127.0.0.1" */
  hostname?: string;
  /** Stops the server when aborted. */
  signal?: AbortSignal;
  /** Called with each failed request's path and error (the server answers 500). */
  onError?: (path: string, error: unknown) => void;
}

/** A running explorer. */
export interface Explorer {
  /** The page's address, e.g. `http://127.0.0.1:43123/`. */
  url: string;
  /** The port listened on. */
  port: number;
  /** Stops the server and closes the datasets. */
  close(): Promise<void>;
  /** Resolves when the server has stopped. */
  finished: Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));

/** Static files: URL path -> [file, content type]. */
function staticFiles(): Map<string, [string, string]> {
  const scripts = browserScriptFiles();
  const js = "text/javascript; charset=utf-8";
  return new Map([
    ["/", [join(here, "_index.html"), "text/html; charset=utf-8"]],
    ["/app.js", [join(here, "_app.js"), js]],
    ["/style.css", [join(here, "_style.css"), "text/css; charset=utf-8"]],
    ["/vendor/d3.js", [scripts.d3, js]],
    ["/vendor/plot.js", [scripts.plot, js]],
    ["/figures.js", [scripts.figures, js]],
  ]);
}

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "content-security-policy":
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'",
  "referrer-policy": "no-referrer",
};

const notFound = () =>
  new Response("not found\n", {
    status: 404,
    headers: { "content-type": "text/plain; charset=utf-8", ...SECURITY_HEADERS },
  });

const json = (value: unknown) =>
  new Response(JSON.stringify(value), {
    headers: { "content-type": "application/json; charset=utf-8", ...SECURITY_HEADERS },
  });

function index(text: string | undefined, length: number): number | undefined {
  if (text === undefined || !/^(0|[1-9]\d{0,8})$/.test(text)) return undefined;
  const i = Number(text);
  return i < length ? i : undefined;
}

/** What the page is told about the catalog: names and counts, no file system paths beyond labels. */
function publicCatalog(catalog: Catalog) {
  return {
    roots: catalog.roots.map((r) => r.label),
    datasets: catalog.datasets.map((d, i) => ({
      id: i,
      root: d.root,
      name: d.name,
      scores: d.mated !== undefined,
      nonMated: d.nonMated !== undefined,
      bestMatches: d.bestMatches.map((p) => p.split(/[\\/]/).pop()),
      closest: d.closest.map((p) => p.split(/[\\/]/).pop()),
      images: d.images ?? null,
      casiaImages: d.casiaImages ?? null,
      metrics: catalog.metrics[i] ?? [],
    })),
    imageSets: catalog.imageSets.map((s) => ({ name: s.name, casia: s.casia })),
  };
}

/**
 * Starts the explorer over a catalog.
 *
 * @param catalog What to serve (from `buildCatalog`).
 * @param options Port, interface, abort signal.
 * @returns The running server; `close()` it when done.
 */
export async function startExplorer(
  catalog: Catalog,
  options: ExplorerOptions = {},
): Promise<Explorer> {
  const { port = 0, hostname = "127.0.0.1", signal, onError } = options;
  const files = staticFiles();
  const cache = new Map<string, Promise<unknown>>();
  const cached = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    let hit = cache.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = load();
      hit.catch(() => cache.delete(key));
      cache.set(key, hit);
    }
    return hit;
  };
  const images = new Map<number, Promise<ImageIndex>>();
  const imageIndex = (i: number) => {
    let hit = images.get(i);
    if (!hit) {
      hit = openImageIndex(catalog.imageSets[i]!.path);
      images.set(i, hit);
    }
    return hit;
  };

  async function route(url: URL): Promise<Response> {
    const path = url.pathname;
    const file = files.get(path);
    if (file) {
      return new Response(await Deno.readFile(file[0]), {
        headers: { "content-type": file[1], ...SECURITY_HEADERS },
      });
    }
    if (path === "/api/catalog") return json(publicCatalog(catalog));
    const parts = path.split("/"); // ["", "api", kind, ...]
    if (parts[1] === "api") {
      const d = index(parts[3], catalog.datasets.length);
      if (d === undefined) return notFound();
      const dataset = catalog.datasets[d]!;
      if (parts[2] === "scores" && parts.length === 4 && dataset.mated) {
        const { mated, nonMated } = dataset;
        return json(
          await cached(`scores/${d}`, async () => ({
            mated: Array.from(await readScoreFile(mated)),
            nonMated: nonMated ? Array.from(await readScoreFile(nonMated)) : [],
          })),
        );
      }
      if (parts[2] === "best-matches" && parts.length === 5) {
        const f = index(parts[4], dataset.bestMatches.length);
        if (f === undefined) return notFound();
        return json(
          await cached(`best/${d}/${f}`, async () => {
            const t = await readBestMatches(dataset.bestMatches[f]!);
            return {
              sampleIdentity: t.sampleIdentity,
              sampleImageName: t.sampleImageName,
              bestMatchIdentity: t.bestMatchIdentity,
              bestMatchImageName: t.bestMatchImageName,
              similarity: Array.from(t.similarity),
            };
          }),
        );
      }
      if (parts[2] === "closest" && parts.length === 5) {
        const f = index(parts[4], dataset.closest.length);
        if (f === undefined) return notFound();
        return json(
          await cached(`closest/${d}/${f}`, async () => {
            const c = await readClosest(dataset.closest[f]!);
            return {
              metadata: c.metadata,
              rank: Array.from(c.rank),
              similarity: Array.from(c.similarity),
              queryIdentity: c.queryIdentity,
              queryImageName: c.queryImageName,
              casiaIdentity: c.casiaIdentity,
              casiaImageName: c.casiaImageName,
            };
          }),
        );
      }
      return notFound();
    }
    if (parts[1] === "image") {
      const s = index(parts[2], catalog.imageSets.length);
      const rest = path.split("/").slice(3).join("/");
      const segments = s === undefined ? undefined : safeSegments(rest);
      if (s === undefined || !segments || segments.length !== 2) return notFound();
      const bytes = await (await imageIndex(s)).get(segments[0]!, segments[1]!);
      if (!bytes) return notFound();
      return new Response(bytes as Uint8Array<ArrayBuffer>, {
        headers: {
          "content-type": imageMimeType(bytes),
          "cache-control": "max-age=3600",
          ...SECURITY_HEADERS,
        },
      });
    }
    return notFound();
  }

  const controller = new AbortController();
  signal?.addEventListener("abort", () => controller.abort(), { once: true });
  let resolveReady!: (addr: Deno.NetAddr) => void;
  const ready = new Promise<Deno.NetAddr>((r) => (resolveReady = r));
  const server = Deno.serve({
    port,
    hostname,
    signal: controller.signal,
    onListen: (addr) => resolveReady(addr as Deno.NetAddr),
  }, async (request) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response("method not allowed\n", { status: 405, headers: SECURITY_HEADERS });
    }
    const url = new URL(request.url);
    try {
      return await route(url);
    } catch (error) {
      onError?.(url.pathname, error);
      return new Response("internal error\n", { status: 500, headers: SECURITY_HEADERS });
    }
  });
  const addr = await ready;
  const finished = server.finished.then(async () => {
    for (const open of images.values()) await (await open.catch(() => undefined))?.close();
  });
  return {
    url: `http://${addr.hostname}:${addr.port}/`,
    port: addr.port,
    async close() {
      controller.abort();
      await finished;
    },
    finished,
  };
}
