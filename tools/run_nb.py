#!/usr/bin/python3
"""Execute Jupyter notebooks on the Deno kernel, headless, keeping every output.

Stock nbclient stops reading a cell's outputs at the kernel's `status: idle`, but the Deno kernel
sometimes publishes idle BEFORE a cell's stream, execute_result or display_data, so outputs go
missing. GraceClient keeps reading for a short grace period after the cell completes.

Usage: run_nb.py [--timeout S] [--kernel NAME] [--out DIR] [--require-outputs] NOTEBOOK...
Prints one line per notebook and a final "N passed, N failed"; exit status 1 if any failed.
"""
import argparse
import os
import queue
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async


class GraceClient(NotebookClient):
    """NotebookClient that keeps collecting a cell's outputs for `grace` seconds after idle."""

    grace = 0.1

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        idle = False
        while True:
            try:
                msg = await ensure_async(
                    self.kc.iopub_channel.get_msg(timeout=self.grace if idle else None))
            except queue.Empty:
                return
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    idle = True


def cells_without_output(nb):
    """Indices of code cells with source but no output (a dropped output, or a silent cell)."""
    return [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and c.source.strip() and not c.get("outputs")]


def run(path, args):
    nb = nbformat.read(path, as_version=4)
    client = GraceClient(nb, kernel_name=args.kernel, timeout=args.timeout, startup_timeout=60,
                         record_timing=False,
                         resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
    client.execute()
    if args.require_outputs:
        silent = cells_without_output(nb)
        if silent:
            raise RuntimeError(f"code cells {silent} produced no output")
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        nbformat.write(nb, os.path.join(args.out, os.path.basename(path)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    parser.add_argument("--kernel", default="deno")
    parser.add_argument("--out", help="folder for the executed copies (never the inputs)")
    parser.add_argument("--require-outputs", action="store_true",
                        help="fail a notebook whose code cell shows nothing")
    args = parser.parse_args()
    passed = failed = 0
    for path in args.notebooks:
        t0 = time.time()
        try:
            run(path, args)
            passed += 1
            print(f"ok     {path} ({time.time() - t0:.1f} s)", flush=True)
        except Exception as error:  # a cell error, a timeout, a dead kernel: all fail the notebook
            failed += 1
            print(f"FAILED {path}: {error}", flush=True)
    print(f"{passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
