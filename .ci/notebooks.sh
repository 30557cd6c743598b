#!/usr/bin/env bash
# The notebook part of CI, called by .ci/run.
#   setup: Jupyter from Debian and the project-local Deno kernel (.jupyter/, git-ignored), checked.
#   run (default): setup, then type-check and lint the notebooks' cells, execute every notebook on
#     the demo data (making it first when absent), and, when ../shared/paper-data exists, on the
#     published data too, exported to HTML and checked in headless Chromium. Any failing cell fails.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}

export DEBIAN_FRONTEND=noninteractive DENO_TLS_CA_STORE=system NO_COLOR=1
export JUPYTER_PATH=$PWD/.jupyter JUPYTER_RUNTIME_DIR=$PWD/.jupyter/runtime

if command -v deno >/dev/null 2>&1 && deno --version | grep -q '^deno 2\.'; then
  DENO=(deno)
else
  DENO=(npx --yes deno@2.9.6)
fi

missing=()
for pkg in jupyter-nbconvert python3-nbclient python3-ipykernel chromium fonts-dejavu-core; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "apt: installing ${missing[*]}"
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# Packages before any kernel starts: a resolution failure inside the kernel is only "Execution failed".
"${DENO[@]}" install

# The kernelspec points at the Deno binary in use (its path differs per clone and per npx cache).
deno_bin=$("${DENO[@]}" eval 'console.log(Deno.execPath())')
mkdir -p .jupyter/kernels/deno .jupyter/runtime
printf '{"argv": ["%s", "jupyter", "--kernel", "--quiet", "--conn", "{connection_file}"],\n "display_name": "Deno", "language": "typescript", "env": {"NO_COLOR": "1"}}\n' \
  "$deno_bin" > .jupyter/kernels/deno/kernel.json
/usr/bin/python3 -c 'from jupyter_client.kernelspec import KernelSpecManager as K; print("kernel:", K().find_kernel_specs()["deno"])'

[ "$mode" = setup ] && exit 0

"${DENO[@]}" task check-notebooks

if [ ! -d Metrics/demo/Embeddings ]; then "${DENO[@]}" task demo; fi
echo "== notebooks on the demo data =="
"${DENO[@]}" task notebooks --metrics Metrics/demo --data none --out Metrics/notebooks/demo

if [ -d ../shared/paper-data ]; then
  echo "== notebooks on the published data (with HTML export and browser check) =="
  "${DENO[@]}" task notebooks --html --metrics Metrics/demo --data ../shared/paper-data \
    --out Metrics/notebooks/paper
elif [ "${CI:-}" = true ]; then
  echo "error: ../shared/paper-data is missing; under CI=true the published-data run is not skipped" >&2
  exit 1
fi
