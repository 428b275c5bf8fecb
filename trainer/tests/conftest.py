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
