"""Bad settings get a message that names the valid values (scikit-learn's style), raised before
anything trains: a seed out of range, a size larger than a class has, an option no way reads."""
import numpy as np
import pytest

from lib.runs import draw
from lib.tasks import resolve_options

LABELS = np.repeat([0, 1], [10, 6])


@pytest.mark.parametrize("seed", [-1, 2 ** 32, 1.5, "3", True])
def test_a_seed_out_of_range_names_the_range(seed):
    with pytest.raises(ValueError, match=r"seed must be a whole number from 0 to 4294967295"):
        draw(LABELS, 2, seed)


def test_a_size_larger_than_a_class_names_the_largest():
    with pytest.raises(ValueError, match=r"more than the smallest class has \(6\); choose at most 6"):
        draw(LABELS, 7, 0)
    assert len(draw(LABELS, 6, 0)[0]) == 12  # the largest valid size draws every example of the small class


def test_an_option_no_image_way_reads_names_the_options():
    with pytest.raises(ValueError, match=r"no image way reads the option\(s\) 'cutt'; the options are: "
                                         r"backbone, control, cut, epochs, finetune"):
        resolve_options("image", {"cutt": "stage3"})
    with pytest.raises(ValueError, match=r"backbone must be one of: .*efficientnet_lite0"):
        resolve_options("image", {"backbone": "vgg"})
    assert resolve_options("image", {"epochs": None}) == resolve_options("image", {})  # the default, dropped
