#!/usr/bin/env python3
"""Python onnxruntime runner for Dyna-Pruner Studio remote profiling.

Runs ON THE DEVICE: `python3 ort_runner.py <job.json>`. Speaks the same
JSON-lines protocol as the Node runner (src/core/remote/profile/runnerProtocol.ts):
hello, loaded, warmup, timed, sample, outputs, layers (with profileLayers),
done | error, and times the variants interleaved with `interleave` as it does.
test/remote/runnerInterleave.test.ts runs it beside the Node runner when a
Python with onnxruntime is found (DYNAPRUNER_ORT_PYTHON); CI has none (no
onnxruntime in Debian), so there the Node runner is the tested reference.
Needs: numpy, onnxruntime (onnxruntime-gpu from the Jetson Zoo on Orin).
"""
import json
import os
import re
import sys
import time

PROTOCOL = 1
PROVIDER_NAMES = {"tensorrt": "TensorrtExecutionProvider", "cuda": "CUDAExecutionProvider", "cpu": "CPUExecutionProvider"}


def emit(msg):
    sys.stdout.write(json.dumps(msg) + "\n")
    sys.stdout.flush()


_last_progress = [0.0]


def progress(variant, phase, done, total):
    """Progress at most every 250 ms (and at each phase's end)."""
    now = time.perf_counter()
    if done < total and now - _last_progress[0] < 0.25:
        return
    _last_progress[0] = now
    emit({"type": "progress", "variant": variant, "phase": phase, "done": done, "total": total})


def parse_trace(events):
    """onnxruntime's Chrome trace -> runs: each `model_run` with the `*_kernel_time` node events inside it."""
    runs = sorted((e for e in events if e.get("cat") == "Session" and e.get("name") == "model_run"), key=lambda e: e.get("ts", 0))
    nodes = sorted((e for e in events if e.get("cat") == "Node" and str(e.get("name", "")).endswith("_kernel_time")), key=lambda e: e.get("ts", 0))
    out = [{"nodes": [], "runUs": r.get("dur", 0)} for r in runs]
    k = 0
    for e in nodes:
        ts = e.get("ts", 0)
        while k < len(runs) and ts > runs[k].get("ts", 0) + runs[k].get("dur", 0):
            k += 1
        if k >= len(runs):
            break
        if ts < runs[k].get("ts", 0):
            continue
        out[k]["nodes"].append({"name": e["name"][:-len("_kernel_time")], "op": (e.get("args") or {}).get("op_name", "unknown"), "durUs": e.get("dur", 0)})
    return out


def profile_layers(ort, job, variant, providers, samples, n):
    """Per-node profile: the first n samples once untimed, then job["layerRounds"] times each (pass after pass); one `layers` message, trace file removed."""
    options = ort.SessionOptions()
    options.enable_profiling = True
    options.profile_file_prefix = os.path.join(job["outputDir"], "%s.profile" % re.sub(r"[^A-Za-z0-9_.-]", "_", variant["id"]))
    session = ort.InferenceSession(variant["model"], sess_options=options, providers=providers)
    name = session.get_inputs()[0].name
    count = max(1, n)
    for i in range((1 + int(job.get("layerRounds", 1))) * count):
        session.run(None, {name: samples[i % count:i % count + 1]})
    trace_file = session.end_profiling()
    with open(trace_file) as f:
        runs = parse_trace(json.load(f))[count:]
    os.remove(trace_file)
    emit({"type": "layers", "variant": variant["id"], "runs": runs})


def load(ort, job, variant, providers):
    """Opens a variant's session (one input). With `interleave` its thread pools do not spin when idle,
    so the session that just ran does not keep the cores busy during the next one's run."""
    started = time.perf_counter()
    options = ort.SessionOptions()
    if job.get("interleave"):
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    session = ort.InferenceSession(variant["model"], sess_options=options, providers=providers)
    inputs = session.get_inputs()
    if len(inputs) != 1:
        raise RuntimeError("%s: the runner feeds one input, the model has %d" % (variant["model"], len(inputs)))
    name = inputs[0].name
    outputs = [o.name for o in session.get_outputs()]
    emit({"type": "loaded", "variant": variant["id"], "inputName": name, "outputNames": outputs,
          "loadMs": (time.perf_counter() - started) * 1000, "providers": session.get_providers()})
    return {"variant": variant, "session": session, "input": name, "outputs": outputs}


def time_variants(job, loaded, samples):
    """Warm-up, then the timed runs (batch 1, cycling over the samples) of `loaded`, taken in turn at every
    iteration in a rotating order: iteration i of each variant ran back to back on the same sample
    (pairable), and they share one timed window."""
    count = samples.shape[0]
    w0 = time.perf_counter()
    for i in range(job["warmup"]):
        for j in range(len(loaded)):
            lv = loaded[(i + j) % len(loaded)]
            lv["session"].run(None, {lv["input"]: samples[i % count:i % count + 1]})
            progress(lv["variant"]["id"], "warmup", i + 1, job["warmup"])
    for lv in loaded:
        emit({"type": "warmup", "variant": lv["variant"]["id"], "iterations": job["warmup"],
              "totalMs": (time.perf_counter() - w0) * 1000 / len(loaded)})
    latencies = [[] for _ in loaded]
    t0 = int(time.time() * 1000)
    for i in range(job["iterations"]):
        for j in range(len(loaded)):
            k = (i + j) % len(loaded)
            lv = loaded[k]
            feed = {lv["input"]: samples[i % count:i % count + 1]}
            s = time.perf_counter()
            lv["session"].run(None, feed)
            latencies[k].append((time.perf_counter() - s) * 1000)
            progress(lv["variant"]["id"], "timed", i + 1, job["iterations"])
    t1 = int(time.time() * 1000)
    for k, lv in enumerate(loaded):
        emit({"type": "timed", "variant": lv["variant"]["id"], "t0": t0, "t1": t1, "latenciesMs": latencies[k]})


def finish_variant(np, ort, job, lv, providers, samples):
    """One inference per checked sample (float outputs saved as .npy), then the per-node profile when asked for."""
    count = samples.shape[0]
    variant, session = lv["variant"], lv["session"]
    collected = {n: [] for n in lv["outputs"]}
    for i in range(min(job["perSample"], count)):
        s = time.perf_counter()
        result = session.run(None, {lv["input"]: samples[i:i + 1]})
        emit({"type": "sample", "variant": variant["id"], "index": i, "ms": (time.perf_counter() - s) * 1000})
        for n, value in zip(lv["outputs"], result):
            if value.dtype == np.float32:
                collected[n].append(value[0])
    files, shapes = {}, {}
    for n, parts in collected.items():
        if not parts:
            continue
        arr = np.stack(parts).astype("<f4")
        path = os.path.join(job["outputDir"], "%s.%s.npy" % (variant["id"], re.sub(r"[^A-Za-z0-9_.-]", "_", n)))
        np.save(path, arr)
        files[n], shapes[n] = path, list(arr.shape)
    emit({"type": "outputs", "variant": variant["id"], "files": files, "shape": shapes})
    del lv["session"]
    if job.get("profileLayers"):
        profile_layers(ort, job, variant, providers, samples, min(job["perSample"], count))


def main(job_file):
    import numpy as np
    import onnxruntime as ort

    with open(job_file) as f:
        job = json.load(f)
    if job.get("protocol") != PROTOCOL:
        raise RuntimeError("%s: protocol %r, runner speaks %d" % (job_file, job.get("protocol"), PROTOCOL))
    available = ort.get_available_providers()
    wanted = [PROVIDER_NAMES.get(p, p) for p in (job.get("providers") or ["cpu"])]
    providers = [p for p in wanted if p in available] or ["CPUExecutionProvider"]
    emit({"type": "hello", "protocol": PROTOCOL, "runner": "python", "runtime": "onnxruntime",
          "version": ort.__version__, "providers": providers, "pid": os.getpid()})
    samples = np.load(job["samples"]).astype(np.float32, copy=False)
    if job.get("interleave"):
        # Every session loaded first; warm-up and timed runs take the variants in turn, so load on the device hits them alike.
        loaded = [load(ort, job, v, providers) for v in job["variants"]]
        time_variants(job, loaded, samples)
        for lv in loaded:
            finish_variant(np, ort, job, lv, providers, samples)
    else:
        for variant in job["variants"]:
            lv = load(ort, job, variant, providers)
            time_variants(job, [lv], samples)
            finish_variant(np, ort, job, lv, providers, samples)
    emit({"type": "done", "t": int(time.time() * 1000)})


if __name__ == "__main__":
    try:
        main(sys.argv[1] if len(sys.argv) > 1 else "")
    except Exception as error:  # reported through the protocol, never as a traceback on stdout
        emit({"type": "error", "message": str(error)})
        sys.exit(1)
