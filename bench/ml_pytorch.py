#!/usr/bin/python3
"""The transformer of lib/ml in PyTorch: the baseline of bench/ml.sh (CPU) and bench/gpu.sh (CUDA).

Same architecture as lib/ml (RMSNorm in float32, rotary embedding on the two halves of each
head, grouped-query attention, SwiGLU, tied output embedding, no biases), same batch, same
optimizer step (AdamW, gradient clipping), same thread count. The shape defaults to
configs/models/tiny.yaml; bench/gpu.sh passes the shape bench_ml printed. With --dtype bfloat16
the forward runs under torch.autocast (fp32 weights, as lib/ml does); where PyTorch has
F.scaled_dot_product_attention (2.0+) the attention uses it with is_causal, as practitioners do.
Prints one JSON object, with the loss of every timed step (one fixed batch).

    /usr/bin/python3 bench/ml_pytorch.py --threads 1 --batch 8 --seq 256 --steps 10
    python3 bench/ml_pytorch.py --device cuda --dtype bfloat16 --d-model 512 --layers 8 ...
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

FUSED = hasattr(F, "scaled_dot_product_attention")


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        xf = x.float()
        return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight).to(x.dtype)


def rope(x, cos, sin):
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half].float(), x[..., half:].float()
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], -1).to(x.dtype)


class Attention(nn.Module):
    def __init__(self, dim, heads, kv_heads):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = heads, kv_heads, dim // heads
        self.wq = nn.Linear(dim, heads * self.head_dim, bias=False)
        self.wk = nn.Linear(dim, kv_heads * self.head_dim, bias=False)
        self.wv = nn.Linear(dim, kv_heads * self.head_dim, bias=False)
        self.wo = nn.Linear(heads * self.head_dim, dim, bias=False)

    def forward(self, x, mask, cos, sin):
        b, t, _ = x.shape
        g = self.heads // self.kv_heads
        q = self.wq(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.wk(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.wv(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        q, k = rope(q, cos, sin), rope(k, cos, sin)
        if FUSED:
            if g > 1:
                k, v = k.repeat_interleave(g, 1), v.repeat_interleave(g, 1)
            out = F.scaled_dot_product_attention(q, k.to(q.dtype), v.to(q.dtype), is_causal=True)
            return self.wo(out.transpose(1, 2).reshape(b, t, self.heads * self.head_dim))
        qg = q.reshape(b, self.kv_heads, g * t, self.head_dim)
        scores = torch.matmul(qg, k.transpose(-1, -2)).float() / math.sqrt(self.head_dim)
        scores = scores.view(b, self.kv_heads, g, t, t).masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores.view(b, self.kv_heads, g * t, t), -1).to(v.dtype)
        out = torch.matmul(weights, v).view(b, self.heads, t, self.head_dim)
        return self.wo(out.transpose(1, 2).reshape(b, t, self.heads * self.head_dim))


class Block(nn.Module):
    def __init__(self, dim, heads, kv_heads, hidden, eps):
        super().__init__()
        self.attn_norm, self.attn = RMSNorm(dim, eps), Attention(dim, heads, kv_heads)
        self.ffn_norm = RMSNorm(dim, eps)
        self.w1 = nn.Linear(dim, hidden, bias=False)
        self.w2 = nn.Linear(hidden, dim, bias=False)
        self.w3 = nn.Linear(dim, hidden, bias=False)

    def forward(self, x, mask, cos, sin):
        h = x + self.attn(self.attn_norm(x), mask, cos, sin)
        y = self.ffn_norm(h)
        return h + self.w2(F.silu(self.w1(y)) * self.w3(y))


class Transformer(nn.Module):
    def __init__(self, vocab, dim, layers, heads, kv_heads, hidden, eps, theta):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab, dim)
        self.layers = nn.ModuleList(Block(dim, heads, kv_heads, hidden, eps) for _ in range(layers))
        self.norm = RMSNorm(dim, eps)
        self.head_dim, self.theta = dim // heads, theta
        for name, p in self.named_parameters():
            if not name.endswith("norm.weight"):
                std = 0.02 / math.sqrt(2 * layers) if name.endswith(("wo.weight", "w2.weight")) else 0.02
                nn.init.normal_(p, 0.0, std)

    def forward(self, tokens):
        b, t = tokens.shape
        half = self.head_dim // 2
        dev = tokens.device
        inv_freq = torch.exp(torch.arange(half, dtype=torch.float32, device=dev) * (-2.0 / self.head_dim) * math.log(self.theta))
        angles = torch.arange(t, dtype=torch.float32, device=dev)[:, None] * inv_freq
        cos, sin = angles.cos()[None, None], angles.sin()[None, None]
        idx = torch.arange(t, device=dev)
        mask = (idx[None, :] <= idx[:, None]).view(1, 1, 1, t, t)
        x = self.tok_emb(tokens)
        for layer in self.layers:
            x = layer(x, mask, cos, sin)
        return F.linear(self.norm(x), self.tok_emb.weight).float()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--vocab", type=int, default=4096)
    # configs/models/tiny.yaml: d_model 128, 4 layers, 4 heads, 2 kv heads, SwiGLU 352.
    ap.add_argument("--d-model", type=int, default=128)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--kv-heads", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=352)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    ap.add_argument("--model", default="tiny", help="a label for the output")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    dev = torch.device(a.device)
    model = Transformer(a.vocab, a.d_model, a.layers, a.heads, a.kv_heads, a.hidden, 1e-5, 10000.0).to(dev)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    tokens = torch.randint(a.vocab, (a.batch, a.seq + 1)).to(dev)
    inputs, targets = tokens[:, :-1], tokens[:, 1:]
    autocast = a.dtype == "bfloat16"

    def step():
        opt.zero_grad()
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=autocast):
            logits = model(inputs)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    for _ in range(3):
        step()
    start = time.perf_counter()
    losses = []
    for _ in range(a.steps):
        loss = step()
        losses.append(loss)
    step_s = (time.perf_counter() - start) / a.steps
    print(json.dumps({"impl": "pytorch", "torch": torch.__version__, "threads": a.threads,
                      "batch": a.batch, "seq": a.seq, "model": a.model, "device": a.device,
                      "dtype": a.dtype, "fused_attention": FUSED, "losses": losses,
                      "params": sum(p.numel() for p in model.parameters()), "loss": loss,
                      "train_step_ms": step_s * 1e3, "train_tokens_per_s": a.batch * a.seq / step_s}))


if __name__ == "__main__":
    main()
