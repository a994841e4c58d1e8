"""The training step of bench/train-step.ts in PyTorch (a yardstick, not a dependency).

Same shapes and the same model as src/neural/model.ts: item table [nItems + 2, D] tied to the
output (+ bias), position table, post-LN transformer blocks (GELU by x*sigmoid(1.702x)), or a
GRU; loss at the predicted positions only; Adam + decoupled weight decay + clipnorm 5.
Usage: python3 bench/torch_step.py '{"arch": "bert4rec", "nItems": 12101, "dim": 64, ...,
"steps": 15, "threads": 1}'. Prints one JSON line: {"msPerStep", "cpuMsPerStep", "engine", "loss0"} (CPU time:
the machine is shared, so wall time depends on the other processes).
"""
import json
import math
import os
import sys
import time

s = json.loads(sys.argv[1])
# One thread by default, like tfjs-wasm in Node; OpenBLAS (Debian's torch uses the system BLAS:
# install libopenblas0-pthread, the reference BLAS is ~7x slower) reads its own variable.
threads = str(int(s.get("threads") or 1))
os.environ.setdefault("OPENBLAS_NUM_THREADS", threads)
os.environ.setdefault("OMP_NUM_THREADS", threads)

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(int(threads))
torch.manual_seed(1)
V, D, B, L, A = s["nItems"], s["dim"], s["batch"], s["len"], s["arch"]
heads, layers, H = s["heads"], s["layers"], s.get("hidden") or s["dim"]
drop = 0.1


def param(*shape, zeros=False, ones=False):
    t = torch.zeros(*shape) if zeros else torch.ones(*shape) if ones else torch.randn(*shape) * 0.02
    return torch.nn.Parameter(t)


P = {"items": param(V + 2, D), "bias": param(V, zeros=True), "pos": param(20, D), "eg": param(D, ones=True), "eb": param(D, zeros=True)}
if A == "gru4rec":
    gru = torch.nn.GRU(D, H, batch_first=True)
    for n, p in gru.named_parameters():
        P["gru." + n] = p
    P["ow"], P["ob"] = param(H, D), param(D, zeros=True)
else:
    for l in range(layers):
        for w in "qkvo":
            P[f"{l}{w}w"], P[f"{l}{w}b"] = param(D, D), param(D, zeros=True)
        P[f"{l}f1w"], P[f"{l}f1b"] = param(D, 4 * D), param(4 * D, zeros=True)
        P[f"{l}f2w"], P[f"{l}f2b"] = param(4 * D, D), param(D, zeros=True)
        for n in ("a", "f"):
            P[f"{l}{n}g"], P[f"{l}{n}b"] = param(D, ones=True), param(D, zeros=True)


def ln(x, g, b):
    return F.layer_norm(x, (D,), g, b, 1e-6)


def encode(tok):
    x = P["items"][tok]
    if A == "gru4rec":
        out, _ = gru(F.dropout(x, drop, True))
        return F.dropout(out, drop, True) @ P["ow"] + P["ob"]
    x = F.dropout(ln(x + P["pos"][20 - L:], P["eg"], P["eb"]), drop, True)
    mask = (tok == 0).float()[:, None, None, :] * -1e9
    if A == "sasrec":
        mask = mask + torch.triu(torch.ones(L, L), 1)[None, None] * -1e9
    dh = D // heads
    split = lambda t: t.view(B, L, heads, dh).transpose(1, 2)
    for l in range(layers):
        q, k, v = (split(x @ P[f"{l}{w}w"] + P[f"{l}{w}b"]) for w in "qkv")
        att = F.dropout(torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(dh) + mask, -1), drop, True)
        ctx = (att @ v).transpose(1, 2).reshape(B, L, D)
        x = ln(x + F.dropout(ctx @ P[f"{l}ow"] + P[f"{l}ob"], drop, True), P[f"{l}ag"], P[f"{l}ab"])
        f1 = x @ P[f"{l}f1w"] + P[f"{l}f1b"]
        f = F.dropout((f1 * torch.sigmoid(1.702 * f1)) @ P[f"{l}f2w"] + P[f"{l}f2b"], drop, True)
        x = ln(x + f, P[f"{l}fg"], P[f"{l}fb"])
    return x


g = torch.Generator().manual_seed(1)
tok = torch.randint(1, V + 1, (B, L), generator=g)
n = max(1, round(B * L * s["predicted"]))
positions = torch.clamp((torch.arange(n) * (B * L / n)).long(), max=B * L - 1)
targets = tok.view(-1)[positions] - 1
if A == "bert4rec":
    tok.view(-1)[positions] = V + 1

params = list(P.values())
decayed = [p for p in params if p.dim() == 2]
opt = torch.optim.Adam(params, lr=1e-3)


def blas():
    try:
        with open("/proc/self/maps") as f:
            maps = f.read()
        return "openblas" if "openblas" in maps else "refblas" if "libblas" in maps else "blas?"
    except OSError:
        return "blas?"


def step():
    opt.zero_grad(set_to_none=True)
    h = encode(tok).reshape(-1, D)[positions]
    loss = F.cross_entropy(h @ P["items"][1 : V + 1].t() + P["bias"], targets)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 5.0)
    opt.step()
    with torch.no_grad():
        for p in decayed:
            p.mul_(1 - 1e-3 * 0.002)
    return loss.item()


loss0 = step()
step()
t, c = time.perf_counter(), time.process_time()
for _ in range(s["steps"]):
    step()
ms = (time.perf_counter() - t) * 1000 / s["steps"]
cpu = (time.process_time() - c) * 1000 / s["steps"]
print(json.dumps({"msPerStep": ms, "cpuMsPerStep": cpu, "engine": f"torch-{torch.__version__.split('+')[0]}-{torch.get_num_threads()}t-{blas()}", "loss0": loss0}))
