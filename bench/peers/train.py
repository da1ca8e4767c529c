# PyTorch CPU peer for bench/train.ts: full training steps (forward, backward, global-norm clipping, AdamW) of a
# Llama of the given shape, the same model llamats trains (RMSNorm pre-norm, RoPE on adjacent pairs, causal
# attention, SwiGLU, tied or untied classifier, N(0, 0.02) init with 1/sqrt(2L) on wo/w2). Torch 1.13 has no
# fused attention, so attention is the explicit masked softmax.
# Run by bench/train.ts with Debian's python3-torch, libopenblas0-openmp, LD_PRELOAD=tcmalloc and
# torch.set_num_threads(n) — the full-strength setup of /work/shared/peers.md.
# Input on stdin: JSON {"threads", "B", "T", "steps", "warmup", "model": {dim, nLayers, nHeads, nKvHeads, headDim,
# ffnDim, vocabSize, normEps, ropeTheta, tiedEmbeddings}, "clock": "wall"|"cpu"}. Output on stdout: one JSON object.
import json
import math
import sys
import time

import torch
import torch.nn.functional as F


class Llama(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        d, hd = c["dim"], c["headDim"]
        H, K, Fd, V, L = c["nHeads"], c["nKvHeads"], c["ffnDim"], c["vocabSize"], c["nLayers"]
        P = torch.nn.Parameter
        self.emb = P(torch.randn(V, d) * 0.02)
        rstd = 0.02 / math.sqrt(2 * L)
        self.layers = torch.nn.ModuleList()
        for _ in range(L):
            layer = torch.nn.Module()
            layer.attn_norm = P(torch.ones(d))
            layer.wq = P(torch.randn(H * hd, d) * 0.02)
            layer.wk = P(torch.randn(K * hd, d) * 0.02)
            layer.wv = P(torch.randn(K * hd, d) * 0.02)
            layer.wo = P(torch.randn(d, H * hd) * rstd)
            layer.ffn_norm = P(torch.ones(d))
            layer.w1 = P(torch.randn(Fd, d) * 0.02)
            layer.w3 = P(torch.randn(Fd, d) * 0.02)
            layer.w2 = P(torch.randn(d, Fd) * rstd)
            self.layers.append(layer)
        self.norm = P(torch.ones(d))
        self.out = self.emb if c["tiedEmbeddings"] else P(torch.randn(V, d) * 0.02)

    def rmsnorm(self, x, w):
        return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.c["normEps"]))

    def forward(self, tokens, targets, cos, sin, mask):
        c = self.c
        B, T = tokens.shape
        H, K, hd = c["nHeads"], c["nKvHeads"], c["headDim"]

        def rope(x):  # x [B, T, h, hd], adjacent pairs (2i, 2i+1) as Meta and GGUF
            x = x.view(*x.shape[:-1], hd // 2, 2)
            a, b = x[..., 0], x[..., 1]
            return torch.stack((a * cos - b * sin, a * sin + b * cos), -1).flatten(-2)

        x = F.embedding(tokens, self.emb)
        for l in self.layers:
            h = self.rmsnorm(x, l.attn_norm)
            q = rope((h @ l.wq.t()).view(B, T, H, hd)).transpose(1, 2)
            k = rope((h @ l.wk.t()).view(B, T, K, hd)).transpose(1, 2)
            v = (h @ l.wv.t()).view(B, T, K, hd).transpose(1, 2)
            if K != H:
                k = k.repeat_interleave(H // K, dim=1)
                v = v.repeat_interleave(H // K, dim=1)
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hd))
            att = torch.softmax(att.masked_fill(mask, float("-inf")), dim=-1)
            a = (att @ v).transpose(1, 2).reshape(B, T, H * hd)
            x = x + a @ l.wo.t()
            f = self.rmsnorm(x, l.ffn_norm)
            x = x + (F.silu(f @ l.w1.t()) * (f @ l.w3.t())) @ l.w2.t()
        logits = self.rmsnorm(x, self.norm) @ self.out.t()
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


def main():
    spec = json.load(sys.stdin)
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(0)
    c, B, T = spec["model"], spec["B"], spec["T"]
    model = Llama(c)
    # Decay on rank >= 2 tensors, not on RMSNorm gains (as src/train/adamw.ts); Llama 2 §2.2 hyper-parameters.
    params = list({id(p): p for p in model.parameters()}.values())
    groups = [{"params": [p for p in params if p.dim() >= 2], "weight_decay": 0.1},
              {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}]
    opt = torch.optim.AdamW(groups, lr=1e-3, betas=(0.9, 0.95), eps=1e-5)
    inv = 1.0 / (c["ropeTheta"] ** (torch.arange(0, c["headDim"], 2).float() / c["headDim"]))
    ang = torch.outer(torch.arange(T).float(), inv)  # [T, hd/2]
    cos, sin = ang.cos()[None, :, None, :], ang.sin()[None, :, None, :]
    mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    clock = time.process_time if spec.get("clock") == "cpu" else time.perf_counter
    g = torch.Generator().manual_seed(1)
    times, losses = [], []
    for step in range(spec["warmup"] + spec["steps"]):
        tokens = torch.randint(0, c["vocabSize"], (B, T), generator=g)
        targets = torch.randint(0, c["vocabSize"], (B, T), generator=g)
        t0 = clock()
        opt.zero_grad(set_to_none=True)
        loss = model(tokens, targets, cos, sin, mask)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        dt = clock() - t0
        losses.append(loss.item())
        if step >= spec["warmup"]:
            times.append(dt)
    maps = open("/proc/self/maps").read()
    print(json.dumps({
        "torch": torch.__version__, "threads": torch.get_num_threads(),
        "openblas": "openblas" in maps, "tcmalloc": "tcmalloc" in maps,
        "step_s": times, "tok_s": B * T / (sum(times) / len(times)), "losses": losses,
    }))


main()
