#!/usr/bin/python3
"""One RL step of the tiny text model in PyTorch: the baseline of bench/rl.sh.

The model of bench/ml_pytorch.py (configs/models/tiny.yaml's decoder, no vision) with a KV cache.
A step as cad-rl takes it: P prompts of `--prompt` tokens encoded once, the cache copied to G
rows per prompt, `--new` tokens sampled at temperature 1 (no stop token, so both sides do the
same work), then one update: the completions scored after their prompts in one forward pass,
the PPO-clip loss (ratio 1, advantages fixed), backward, gradient clipping, AdamW. Prints JSON.

    /usr/bin/python3 bench/rl_pytorch.py --threads 2 --prompts 8 --group 8 --prompt 32 --new 64
"""
import argparse
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ml_pytorch import Transformer, rope  # noqa: E402


def rope_tables(positions, head_dim, theta):
    half = head_dim // 2
    inv_freq = torch.exp(torch.arange(half, dtype=torch.float32) * (-2.0 / head_dim) * math.log(theta))
    angles = positions.float()[..., None] * inv_freq  # [B, T, half]
    return angles.cos()[:, None], angles.sin()[:, None]


def forward_cached(model, tokens, cache, past):
    """tokens [B, T] at positions past..past+T-1; cache: per layer [k, v] of [B, kv, cap, hd]."""
    b, t = tokens.shape
    positions = torch.arange(past, past + t)[None].expand(b, t)
    cos, sin = rope_tables(positions, model.head_dim, model.theta)
    total = past + t
    idx_q = torch.arange(past, total)[:, None]
    idx_k = torch.arange(total)[None, :]
    mask = (idx_k <= idx_q).view(1, 1, 1, t, total)
    x = model.tok_emb(tokens)
    for layer, (kc, vc) in zip(model.layers, cache):
        a = layer.attn
        h = layer.attn_norm(x)
        g = a.heads // a.kv_heads
        q = a.wq(h).view(b, t, a.heads, a.head_dim).transpose(1, 2)
        k = a.wk(h).view(b, t, a.kv_heads, a.head_dim).transpose(1, 2)
        v = a.wv(h).view(b, t, a.kv_heads, a.head_dim).transpose(1, 2)
        q, k = rope(q, cos, sin), rope(k, cos, sin)
        kc[:, :, past:total] = k
        vc[:, :, past:total] = v
        keys, values = kc[:, :, :total], vc[:, :, :total]
        qg = q.reshape(b, a.kv_heads, g * t, a.head_dim)
        scores = torch.matmul(qg, keys.transpose(-1, -2)).float() / math.sqrt(a.head_dim)
        scores = scores.view(b, a.kv_heads, g, t, total).masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores.view(b, a.kv_heads, g * t, total), -1)
        out = torch.matmul(weights, values).view(b, a.heads, t, a.head_dim)
        x = x + a.wo(out.transpose(1, 2).reshape(b, t, a.heads * a.head_dim))
        y = layer.ffn_norm(x)
        x = x + layer.w2(F.silu(layer.w1(y)) * layer.w3(y))
    return F.linear(model.norm(x), model.tok_emb.weight).float()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--prompts", type=int, default=8)
    ap.add_argument("--group", type=int, default=8)
    ap.add_argument("--prompt", type=int, default=32)
    ap.add_argument("--new", type=int, default=64)
    ap.add_argument("--vocab", type=int, default=1024)
    ap.add_argument("--steps", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = Transformer(a.vocab, 128, 4, 4, 2, 352, 1e-5, 10000.0)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.0)
    prompts = torch.randint(a.vocab, (a.prompts, a.prompt))
    rows = a.prompts * a.group
    advantages = torch.randn(rows)
    gen = torch.Generator().manual_seed(1)

    def rollout():
        model.eval()
        with torch.no_grad():
            cap = a.prompt + a.new
            cache = [[torch.zeros(a.prompts, 2, cap, 32), torch.zeros(a.prompts, 2, cap, 32)]
                     for _ in model.layers]
            logits = forward_cached(model, prompts, cache, 0)[:, -1]
            idx = torch.arange(a.prompts).repeat_interleave(a.group)
            cache = [[k[idx], v[idx]] for k, v in cache]
            logits = logits[idx]
            out = []
            for step in range(a.new):
                probs = torch.softmax(logits, -1)
                nxt = torch.multinomial(probs, 1, generator=gen)
                out.append(nxt)
                if step + 1 == a.new:
                    break
                logits = forward_cached(model, nxt, cache, a.prompt + step)[:, -1]
            return torch.cat(out, 1)

    def update(completions):
        model.train()
        opt.zero_grad()
        inputs = torch.cat([prompts.repeat_interleave(a.group, 0), completions[:, :-1]], 1)
        logits = model(inputs)[:, a.prompt - 1:]
        logp = torch.log_softmax(logits, -1).gather(2, completions[:, :, None]).squeeze(2)
        ratio = torch.exp(logp - logp.detach())
        adv = advantages[:, None]
        per_token = -torch.min(ratio * adv, ratio.clamp(0.9, 1.1) * adv)
        loss = per_token.mean(1).sum() / rows
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    completions = rollout()
    update(completions)
    gen_s = upd_s = 0.0
    for _ in range(a.steps):
        t0 = time.perf_counter()
        completions = rollout()
        t1 = time.perf_counter()
        update(completions)
        t2 = time.perf_counter()
        gen_s += t1 - t0
        upd_s += t2 - t1
    n = a.steps
    print(json.dumps({"impl": "pytorch", "torch": torch.__version__, "threads": a.threads,
                      "rows": rows, "prompt": a.prompt, "new": a.new,
                      "generate_ms": gen_s / n * 1e3, "update_ms": upd_s / n * 1e3,
                      "step_ms": (gen_s + upd_s) / n * 1e3,
                      "gen_tokens_per_s": rows * a.new * n / gen_s}))


if __name__ == "__main__":
    main()
