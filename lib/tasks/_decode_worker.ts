/**
 * The body of one decode worker of `_decode_pool.ts`: each message is one image's bytes, answered
 * with the CHW float32 tensor that `preprocessImage` (the one decode entry point of `lib/image`)
 * makes of them, or with the reason it could not. The pool sends a worker one job at a time;
 * jobs run in the order they came all the same; buffers travel both ways as transfers.
 *
 * @module
 */
import { preprocessImage } from "../image/mod.ts";
import type { DecodeReply, DecodeRequest } from "./_decode_pool.ts";

/** The part of a worker's global scope this module uses. */
interface WorkerScope {
  onmessage: ((event: MessageEvent<DecodeRequest>) => void) | null;
  postMessage(message: DecodeReply, transfer: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;

async function answer(request: DecodeRequest): Promise<void> {
  const { name, size, bytes } = request;
  const plane = 3 * size * size;
  const tensor = request.out !== undefined && request.out.byteLength === plane * 4
    ? new Float32Array(request.out)
    : new Float32Array(plane);
  try {
    await preprocessImage(bytes, { name, size, out: tensor });
    scope.postMessage({ tensor }, [tensor.buffer]);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    scope.postMessage({ reason, tensor }, [tensor.buffer]);
  }
}

let queue: Promise<void> = Promise.resolve();

scope.onmessage = (event) => {
  const request = event.data;
  queue = queue.then(() => answer(request));
};
