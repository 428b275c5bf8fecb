import os
import sys

import pytest
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
torch.set_num_threads(1)


@pytest.fixture(scope="session")
def storm():
    from dynapruner_trainer import data as D
    return D.load_storm()


@pytest.fixture(scope="session")
def test_windows(storm):
    from dynapruner_trainer import data as D
    return D.windows(storm, "test")


@pytest.fixture(scope="session")
def exported(storm, tmp_path_factory):
    """Export each (backbone, variant) once per session: returns fn -> (model, path)."""
    from dynapruner_trainer.export import export_checkpoint
    from dynapruner_trainer.variants import DynaModel
    cache = {}
    root = tmp_path_factory.mktemp("exported")

    def get(bb, variant):
        if (bb, variant) not in cache:
            torch.manual_seed(0)
            m = DynaModel(bb, variant)
            path = str(root / f"{bb}_{variant}.onnx")
            export_checkpoint(m, path, storm, {"seed": 0, "epochs": 0, "lambda_d": 0, "lambda_w": 0,
                                               "test_mse": 0, "test_mae": 0}, {"s_d": 0.7, "s_w": 0.7})
            cache[(bb, variant)] = (m, path)
        return cache[(bb, variant)]
    return get
