#!/usr/bin/env bash
# Runs the GPU benchmarks on a CUDA machine that has no .NET SDK, from a self-contained publish of tgg
# packed by ../shared/tools/gpu-pack into parts under .gpu/ (see docs/benchmarks.md for the steps).
# Usage on the GPU machine, with the last part present:  bash tools/gpu-bench.sh
# Every step has its own time limit, so one failing step leaves the others' figures; the results are packed into
# $OUT/gpu-results.tgz (a few files only come back from such a machine) and the whole log is $OUT/gpu-log.txt.
set -u
mkdir -p /tmp/gp && cp .gpu/part.* /tmp/gp/ 2>/dev/null
cd /tmp/gp || exit 1
if [ ! -x app/tgg ]; then
  cat part.* > app.tar.xz && rm -rf app && mkdir app && tar -xJf app.tar.xz -C app || exit 2
fi
libs=$(for n in libcublas.so.13 libcudart.so.13 libcurand.so.10 libcufft.so.12 libcudnn.so.9; do
  f=$(find / -xdev -name "$n*" 2>/dev/null | head -1); [ -n "$f" ] && dirname "$f"; done | sort -u | paste -sd:)
export LD_LIBRARY_PATH="$libs:${LD_LIBRARY_PATH:-}"
out=${OUT:-/tmp}
shape=${GPU_BENCH_SHAPE:-medium-355M} # a smaller shape (tiny) tries the script out on any machine
res=/tmp/gpu-results
rm -rf "$res" && mkdir -p "$res"
tgg=/tmp/gp/app/tgg
chmod +x "$tgg"
exec > >(tee "$out/gpu-log.txt") 2>&1
nvidia-smi -L | tee "$res/gpu.txt"
nvidia-smi --query-gpu=name,memory.total,clocks.max.sm,clocks.max.mem --format=csv >> "$res/gpu.txt"

step() { # step NAME SECONDS ARGS...: one benchmark, its table in NAME.md, its progress in NAME.err
  local name=$1 limit=$2; shift 2
  echo "== $name: tgg $*"
  local start=$SECONDS
  timeout "$limit" "$tgg" "$@" --json "$res/$name.json" > "$res/$name.md" 2> "$res/$name.err"
  echo "$name exit $? after $((SECONDS - start)) s"; cat "$res/$name.md"; tail -3 "$res/$name.err"
}

# 1. decode: medium-355M fp16 and 4-bit (MatMulNBits, float16 activations) side by side by batch size, each batch-1
#    step against the time to read that graph's weights once from device memory
step decode-medium-fp16-int4 150 bench decode --shape $shape --device cuda --fp16 --style fused --weights int4-blocks \
  --batches 1,8,32,64 --steps 16 --reps 3
# 2. serving against the decoder alone at the same batch in the same run, and against serial, fp16
step generate-medium-fp16 130 bench generate --shape $shape --device cuda --fp16 --scenario sweep --players 1,32 \
  --modes serial,continuous --reps 1 --duration 10 --sweep-prefill-budget 4096
# 3. the same with 4-bit weights
step generate-medium-int4 130 bench generate --shape $shape --device cuda --fp16 --weights int4-blocks --scenario sweep \
  --players 1,32 --modes serial,continuous --reps 1 --duration 10 --sweep-prefill-budget 4096
# 4. 8-bit blocks, if the CUDA provider runs them
step decode-medium-fp16-int8 80 bench decode --shape $shape --device cuda --fp16 --style fused --weights int8-blocks \
  --batches 1,32 --steps 16 --reps 2
tar -czf "$out/gpu-results.tgz" -C "$res" .
echo "results packed: $(ls "$res" | wc -l) files"
