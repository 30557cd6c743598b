/** The published data of the paper beside the repository, for tests that read it. */
import { fileURLToPath } from "node:url";
import { skipUnless } from "../_prereq.ts";

/** `../shared/paper-data` relative to the repository root. */
export const PAPER_DATA: string = fileURLToPath(
  new URL("../../../shared/paper-data", import.meta.url),
);

/** Whether {@linkcode PAPER_DATA} exists. */
export const hasPaperData: boolean = (() => {
  try {
    return Deno.statSync(PAPER_DATA).isDirectory;
  } catch {
    return false;
  }
})();

/**
 * The `ignore` value for a test that reads {@linkcode PAPER_DATA}: skips outside CI, throws under
 * `CI=true` when it is absent.
 */
export function skipUnlessPaperData(): boolean {
  return skipUnless("../shared", hasPaperData, `${PAPER_DATA} is absent`);
}
