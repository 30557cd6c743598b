/** The published data of the paper beside the repository, for tests that read it. */
import { fileURLToPath } from "node:url";

/** `../shared/paper-data` relative to the repository root. */
export const PAPER_DATA: string = fileURLToPath(
  new URL("../../../shared/paper-data", import.meta.url),
);

/** Whether {@linkcode PAPER_DATA} exists; prints the skip reason once when it does not. */
export const hasPaperData: boolean = (() => {
  try {
    return Deno.statSync(PAPER_DATA).isDirectory;
  } catch {
    console.log(`skip reason: ${PAPER_DATA} is absent`);
    return false;
  }
})();
