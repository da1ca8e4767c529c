# PyTorch CPU peer for bench/gemm.ts: times float32 matmuls in the layouts llamats uses and prints one JSON
# object {"torch": version, "threads": n, "rows": [{"case", "gflops"}]} on stdout.
# Run by bench/gemm.ts as a child process with Debian's python3-torch (OpenBLAS), LD_PRELOAD=tcmalloc and
# torch.set_num_threads(2) — the full-strength setup of /work/shared/peers.md.
# Input on stdin: JSON {"threads": n, "reps": r, "cases": [{"case", "M", "K", "N", "layout": "NT"|"NN"|"TN"}]}.
import json
import sys
import time

import torch


def main():
    spec = json.load(sys.stdin)
    torch.set_num_threads(spec["threads"])
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
        flops = 2.0 * M * K * N
        fn()
        # Repeat until ~0.2 s per repetition, best of `reps`.
        t0 = time.perf_counter(); fn(); dt = time.perf_counter() - t0
        iters = max(1, int(0.2 / max(dt, 1e-7)))
        best = float("inf")
        for _ in range(spec["reps"]):
            t0 = time.perf_counter()
            for _ in range(iters):
                fn()
            best = min(best, (time.perf_counter() - t0) / iters)
        rows.append({"case": c["case"], "gflops": flops / best / 1e9})
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "rows": rows}))


main()
