#!/usr/bin/env bash
# Runs the GPU benchmarks on a CUDA machine that has no .NET SDK, from a self-contained publish of tgg
# packed by ../shared/tools/gpu-pack into parts under .gpu/ (see docs/benchmarks.md for the steps).
# Usage on the GPU machine, with the last part present:  bash tools/gpu-bench.sh
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
nvidia-smi -L | tee "$out/gpu.txt"
tgg=/tmp/gp/app/tgg
chmod +x "$tgg"
# 1. decode throughput and roofline, medium-355M fp16, fused and plain graphs side by side
timeout 150 "$tgg" bench decode --shape medium-355M --device cuda --fp16 --batches 1,8,32,64 --steps 16 --reps 3 \
  --json "$out/decode-medium-fp16.json" > "$out/decode-medium-fp16.md" 2> "$out/decode-medium-fp16.err"
rc=$?; echo "decode exit $rc"; cat "$out/decode-medium-fp16.md"; tail -3 "$out/decode-medium-fp16.err"
hostcache=""
if [ "$rc" -ne 0 ]; then hostcache="--host-cache"; echo "retrying the sweep with the KV cache in host memory"; fi
# 2. concurrency sweep, medium-355M fp16, serial vs static vs continuous
timeout 240 "$tgg" bench generate --shape medium-355M --device cuda --fp16 --scenario sweep --players 1,16,64 \
  --reps 1 --duration 10 --sweep-prefill-budget 4096 $hostcache --json "$out/generate-medium-fp16.json" > "$out/generate-medium-fp16.md" 2> "$out/generate-medium-fp16.err"
echo "generate exit $?"; cat "$out/generate-medium-fp16.md"; tail -5 "$out/generate-medium-fp16.err"
# 3. head-of-line mix and GM burst on the same model
timeout 150 "$tgg" bench generate --shape medium-355M --device cuda --fp16 --scenario hol,burst --duration 10 --rate 20 \
  --sweep-prefill-budget 4096 $hostcache --json "$out/scenarios-medium-fp16.json" > "$out/scenarios-medium-fp16.md" 2> "$out/scenarios-medium-fp16.err"
echo "scenarios exit $?"; cat "$out/scenarios-medium-fp16.md"; tail -5 "$out/scenarios-medium-fp16.err"
