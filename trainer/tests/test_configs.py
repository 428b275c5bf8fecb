"""Experiment configs: flags override the file, the storm configs are the
commands train_all.sh used to spell out, bad configs are one-line errors, and
the paper-scale configs train for 2 steps on synthetic data of their shapes."""
import json
import os

import pytest
import torch

from dynapruner_trainer import train as T
from dynapruner_trainer.backbones import build_backbone

from datasets_util import synthetic_hdf5, synthetic_netcdf4

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIGS = os.path.join(HERE, "..", "configs")
STORM = os.path.join(CONFIGS, "storm")
PAPER = os.path.join(CONFIGS, "paper")
#: the arguments the former train_all.sh passed, per bundled checkpoint (besides --data/--out/--seed/--threads)
FORMER = {
    "simvp_dense": ["--backbone", "simvp", "--variant", "dense", "--epochs", "60"],
    "simvp_mp_l1": ["--backbone", "simvp", "--variant", "mp_l1", "--epochs", "80", "--s-w", "0.4"],
    "tau_dense": ["--backbone", "tau", "--variant", "dense", "--epochs", "60"],
    "convlstm_dense": ["--backbone", "convlstm", "--variant", "dense", "--epochs", "60"],
}
for v in ("dp_only", "mp_only", "independent", "dynapruner"):
    FORMER[f"simvp_{v}"] = ["--backbone", "simvp", "--variant", v, "--epochs", "80", "--s-d", "0.1", "--s-w", "0.4"]
for bb in ("tau", "convlstm"):
    FORMER[f"{bb}_dynapruner"] = ["--backbone", bb, "--variant", "dynapruner", "--epochs", "80",
                                  "--s-d", "0.1", "--s-w", "0.4"]
IGNORED = {"config", "config_dir"}


@pytest.mark.parametrize("name", sorted(FORMER))
def test_storm_configs_are_the_former_commands(name, tmp_path):
    common = ["--data", "../demo/data/ncl", "--out", str(tmp_path / f"{name}.onnx"), "--seed", "0", "--threads", "1"]
    init = [] if name.endswith("_dense") else ["--init-from", str(tmp_path / f"{name.split('_')[0]}_dense.onnx.pt")]
    old = vars(T.parse(FORMER[name] + common + init))
    new = vars(T.parse(["--config", os.path.join(STORM, f"{name}.json")] + common))
    assert {k: v for k, v in new.items() if k not in IGNORED} == {k: v for k, v in old.items() if k not in IGNORED}


def test_flags_override_the_config(tmp_path):
    cfg = tmp_path / "exp.json"
    cfg.write_text(json.dumps({"backbone": "tau", "variant": "dense", "widths": {"hid_s": 8, "n_blocks": 1},
                               "schedule": {"epochs": 7, "weight_decay": 0.01}, "targets": {"s_w": 0.3},
                               "seed": 3, "out": "out/m.onnx", "data": "data.json"}))
    a = T.parse(["--config", str(cfg)])
    assert (a.backbone, a.variant, a.epochs, a.wd, a.s_w, a.seed) == ("tau", "dense", 7, 0.01, 0.3, 3)
    assert a.out == str(tmp_path / "out" / "m.onnx") and a.data == [str(tmp_path / "data.json")]
    assert a.widths == {"hid_s": 8, "n_blocks": 1}
    b = T.parse(["--config", str(cfg), "--epochs", "2", "--variant", "dynapruner", "--widths", "n_blocks=2",
                 "--out", "x.onnx", "--device", "cuda"])
    assert (b.epochs, b.variant, b.out, b.device) == (2, "dynapruner", "x.onnx", "cuda")
    assert b.widths == {"hid_s": 8, "n_blocks": 2}


@pytest.mark.parametrize("body,key", [({"backbone": "unet"}, "backbone"), ({"schedule": {"epochz": 3}}, "schedule.epochz"),
                                      ({"colour": 1}, "colour"), ({"schedule": {"epochs": "many"}}, "schedule.epochs")])
def test_bad_config_is_one_line_naming_the_key(tmp_path, capsys, body, key):
    cfg = tmp_path / "bad.json"
    cfg.write_text(json.dumps({"out": "m.onnx", **body}))
    assert T.main(["--config", str(cfg), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith(f"error: {cfg}: {key}:"), err


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU-only message")
def test_device_cuda_without_a_gpu_is_one_line(tmp_path, capsys):
    assert T.main(["--device", "cuda", "--out", str(tmp_path / "m.onnx"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "error: --device: expected a CUDA device (torch.cuda.is_available()), found none on this machine"


def _synthetic_root(tmp_path, dataset: str) -> str:
    """Files in the layout the config's data description names, at its shapes."""
    root = str(tmp_path / dataset)
    if dataset == "weatherbench":
        synthetic_netcdf4(f"{root}/geopotential_500/geopotential_500hPa_1979_5.625deg.nc", ["z"], 240, (32, 64))
    elif dataset == "taxibj":
        synthetic_netcdf4(f"{root}/taxibj_2013.nc", ["inflow", "outflow"], 80, (32, 32))
    else:
        synthetic_hdf5(f"{root}/vil_2019.h5", "vil", 240, (384, 384))
    return root


#: paper-scale configs trained for 2 steps by default; the rest need DYNAPRUNER_HEAVY_TESTS=1
#: (ConvLSTM at 32x64 with 4 x 128 cells: about 60 GMACs per sample; SEVIR 384x384: 0.2-1 TMACs)
LIGHT = ["taxibj_simvp", "taxibj_tau", "taxibj_convlstm", "weatherbench_simvp", "weatherbench_tau"]
HEAVY = ["weatherbench_convlstm", "sevir_simvp", "sevir_tau", "sevir_convlstm"]
heavy = pytest.mark.skipif(not os.environ.get("DYNAPRUNER_HEAVY_TESTS"), reason="set DYNAPRUNER_HEAVY_TESTS=1")


@pytest.mark.parametrize("name", LIGHT + [pytest.param(n, marks=heavy) for n in HEAVY])
def test_paper_scale_config_trains_two_steps(name, tmp_path):
    dataset = name.split("_")[0]
    device = "cuda" if torch.cuda.is_available() else "cpu"
    out = tmp_path / "runs" / f"{name}.onnx"
    r = T.train(T.parse(["--config", os.path.join(PAPER, f"{name}_dynapruner.json"), "--data-root",
                         _synthetic_root(tmp_path, dataset), "--device", device, "--max-steps", "2", "--epochs", "1",
                         "--batch", "1", "--mask-pretrain", "1", "--init-from", "", "--no-export", "--quiet",
                         "--out", str(out)]))
    cfg = json.load(open(os.path.join(PAPER, f"{name}_dynapruner.json")))
    blob = torch.load(str(out) + ".pt")
    assert blob["cfg"]["widths"] == cfg["widths"] and blob["training"]["config"] == f"{name}_dynapruner.json"
    assert len(r["training"]) and r["eval"]["samples"] >= 1
    shape = {"weatherbench": [32, 64], "taxibj": [32, 32], "sevir": [384, 384]}[dataset]
    assert blob["cfg"]["grid"] == shape


@pytest.mark.parametrize("dataset", ["weatherbench", "taxibj", "sevir"])
@pytest.mark.parametrize("backbone", ["simvp", "tau", "convlstm"])
def test_paper_configs_build_at_their_shapes(dataset, backbone):
    """Every paper config's description parses and its backbone builds at the data's shape."""
    cfg_path = os.path.join(PAPER, f"{dataset}_{backbone}_dynapruner.json")
    cfg = json.load(open(cfg_path))
    desc_path = os.path.normpath(os.path.join(PAPER, cfg["data"]))
    desc = json.load(open(desc_path))
    assert cfg["device"] == "cuda" and cfg["init_from"].startswith("{out_dir}/")
    chans = {"weatherbench": 1, "taxibj": 2, "sevir": 1}[dataset]
    shape = {"weatherbench": (32, 64), "taxibj": (32, 32), "sevir": (384, 384)}[dataset]
    bb = build_backbone(backbone, desc["t_in"], desc["t_out"], chans, shape, cfg["widths"])
    assert sum(p.numel() for p in bb.parameters()) > 1e6  # paper scale, not the storm's small models


@pytest.mark.parametrize("bb,widths", [("simvp", {"hid_s": 8, "hid_t": 24, "n_trans": 2, "down": 4}),
                                       ("convlstm", {"hid": 8, "layers": 1, "down": 4})])
def test_wider_strides_export_with_parity(tmp_path, storm, test_windows, bb, widths):
    """Spatial masks at factor 4 (`down`) and a translator width of its own export and match PyTorch."""
    from dynapruner_trainer.export import export_checkpoint, parity, read_metadata
    from dynapruner_trainer.variants import DynaModel
    torch.manual_seed(0)
    m = DynaModel(bb, "dynapruner", widths=widths).eval()
    with torch.no_grad():
        m.mask_gen.net[4].weight.normal_(0, 0.3)
        m.mask_gen.net[4].bias.fill_(0.0)
    path = str(tmp_path / "m.onnx")
    export_checkpoint(m, path, storm, {}, {"s_d": 0.7, "s_w": 0.7})
    assert read_metadata(path)["spatial_masks"]["factors"] == [1, 4]
    assert max(parity(m, path, test_windows["inputs"][:2]).values()) <= 1e-4
