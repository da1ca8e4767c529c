# PyTorch CPU peer for bench/gemm.ts: times float32 matmuls in the layouts llamats uses.
# Run by bench/gemm.ts as a child process with Debian's python3-torch (OpenBLAS), LD_PRELOAD=tcmalloc and
# torch.set_num_threads(n) — the full-strength setup of /work/shared/peers.md.
# stdin: JSON {"threads": n, "reps": r, "clock": "wall"|"cpu", "cases": [{"case", "M", "K", "N", "layout"}]}
# stdout: one JSON object {"torch": version, "blas": name, "threads": n, "rows": [{"case", "gflops"}]}.
import json
import sys
import time

import torch


def blas_name():
    """The BLAS library actually loaded (call after a matmul): Debian's torch links the generic libblas.so.3 and
    the alternatives system picks the implementation, so the build config does not say."""
    try:
        with open("/proc/self/maps") as f:
            maps = f.read().lower()
        for name in ("openblas", "mkl_rt", "blis", "atlas", "libblas"):
            if name in maps:
                return name.replace("_rt", "").replace("libblas", "reference blas")
    except OSError:
        pass
    return ""


def main():
    spec = json.load(sys.stdin)
    torch.set_num_threads(spec["threads"])
    clock = time.thread_time if spec.get("clock") == "cpu" else time.perf_counter
    torch.manual_seed(0)
    rows = []
    for c in spec["cases"]:
        M, K, N, layout = c["M"], c["K"], c["N"], c["layout"]
        # Same storage as llamats: NT is y = x·Wᵀ with W [N, K]; NN is dY·W; TN is dYᵀ·X accumulated into dW.
        a = torch.randn(K, M) if layout == "TN" else torch.randn(M, K)
        b = torch.randn(N, K) if layout == "NT" else torch.randn(K, N)
        out = torch.zeros(M, N)
        opa = a.t() if layout == "TN" else a
        opb = b.t() if layout == "NT" else b
        if layout == "TN":
            fn = lambda: out.addmm_(opa, opb)  # dW += dYᵀ·X
        else:
            fn = lambda: torch.mm(opa, opb, out=out)
        fn()
        # Batches of calls lasting ≥ 1/16 s, best of `reps`.
        calls = 1
        while True:
            t0 = clock()
            for _ in range(calls):
                fn()
            dt = clock() - t0
            if dt >= 0.0625:
                break
            calls *= 4
        best = dt / calls
        for _ in range(spec["reps"]):
            t0 = clock()
            for _ in range(calls):
                fn()
            best = min(best, (clock() - t0) / calls)
        rows.append({"case": c["case"], "gflops": 2.0 * M * K * N / best / 1e9})
    print(json.dumps({"torch": torch.__version__, "blas": blas_name(), "threads": torch.get_num_threads(), "rows": rows}))


main()
