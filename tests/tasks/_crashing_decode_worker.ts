/**
 * The kit's decode worker with one fault added for the tests of `_decode_pool.ts`: a job whose
 * image name contains `crash` throws out of the message handler, an uncaught error that ends the
 * worker the way a defect in a decoder would. Every other job goes to the real worker unchanged.
 *
 * @module
 */
import "../../lib/tasks/_decode_worker.ts";

interface Scope {
  onmessage: ((event: MessageEvent<{ name: string }>) => void) | null;
}

const scope = globalThis as unknown as Scope;
const real = scope.onmessage!;
scope.onmessage = (event) => {
  if (event.data.name.includes("crash")) {
    throw new Error(`injected fault on ${event.data.name}`);
  }
  real(event);
};
