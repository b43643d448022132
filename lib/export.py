"""The transfer head a user trained, as a file they can keep: a zip of head.pt (a plain state
dict), head.json (classes, backbone, preprocessing, feature standardisation) and README.txt.

The head only works on features z-scored with the *training* examples' mean and spread (see
lib.runs.standardise), so those travel with it. Loading back parses JSON with json and tensors
with torch.load(weights_only=True): nothing from a user's file is ever unpickled.
"""
from dataclasses import dataclass
import io
import json
import zipfile

import numpy as np
import torch

from lib.image import backbones, features
from lib.data.uploads import IMAGE_SIZE, MAX_CLASSES, UploadError, decode_image, zip_files
from lib.image.ways import get_backbone
from lib.models import linear_head
from lib.probe import fit_probe
from lib.runs import scaler

FORMAT = "transfer-lab-head/1"
USAGE = """\
# in a checkout of Transfer Lab (pip install -r requirements.txt)
from lib.export import load_head

head = load_head(open("{file}", "rb").read())   # checks every field; no pickle
print(head.classes)
print(head.predict_files({{"photo.jpg": open("photo.jpg", "rb").read()}}))
# -> one row per image: the probability of each class
"""


@dataclass
class Head:
    linear: torch.nn.Linear
    meta: dict

    @property
    def classes(self) -> list[str]:
        return self.meta["classes"]

    @torch.no_grad()
    def predict(self, images: np.ndarray) -> np.ndarray:
        """uint8 (n, h, w, 3) photos -> class probabilities (n, k). Features are not cached."""
        bb = get_backbone(self.meta["backbone"])
        x = features.prepare(images, bb)
        for stage in bb.stages[:bb.depth(self.meta["cut"])]:
            x = stage(x)
        f = (x.mean(dim=(2, 3)) if x.ndim == 4 else x).numpy()
        z = (f - np.asarray(self.meta["feature_mean"])) / np.asarray(self.meta["feature_std"])
        self.linear.eval()
        return torch.softmax(self.linear(torch.as_tensor(z, dtype=torch.float32)), 1).numpy()

    def predict_files(self, files: dict) -> dict:
        """{file name: bytes} -> {file name: {class: probability}}."""
        images = np.stack([decode_image(data, name) for name, data in files.items()])
        return {name: dict(zip(self.classes, map(float, p)))
                for name, p in zip(files, self.predict(images))}


def feature_stats(train: np.ndarray):
    """The mean and scale lib.runs.standardise uses, from its own fitted StandardScaler
    (tests/test_export.py checks that the two give the same standardised features, bit for bit)."""
    s = scaler(train)
    return s.mean_, s.scale_


def train_head(task, comparison, backbone: str) -> Head:
    """Re-train the comparison's transfer head exactly (same features, draw, seed and settings)
    and keep it: a Run records results, not weights."""
    bb = get_backbone(backbone)
    cut = comparison.details.get("cut", bb.cuts[-1])
    pool = features.at_cut(bb, task.pool.images, cut, task.backbone_size, persist=not task.private)
    labeled = np.concatenate([comparison.train_index, comparison.val_index])
    mean, std = feature_stats(pool[labeled])
    x = torch.as_tensor(((pool - mean) / std).astype(np.float32))
    y = torch.as_tensor(task.pool.labels, dtype=torch.long)
    linear, _, _ = fit_probe(x[labeled], y[labeled], len(task.classes))  # the engine's recipe
    dim = bb.dim(cut)
    meta = {
        "format": FORMAT,
        "classes": list(task.classes),
        "backbone": bb.name,
        "backbone_description": bb.description,
        "backbone_weights": bb.weights,
        "cut": cut,
        "feature_dim": dim,
        "preprocessing": {
            "square": f"centre-crop to a square, resize to {IMAGE_SIZE} x {IMAGE_SIZE} (Lanczos), RGB",
            "image_size": IMAGE_SIZE,
            "backbone_transform": features.describe_input(bb),
            "pooling": "features after the cut, averaged over space",
            "pixel_scale": "divide by 255, then subtract mean and divide by std per channel",
            "mean": list(bb.mean), "std": list(bb.std),
        },
        "feature_mean": [float(v) for v in mean],
        "feature_std": [float(v) for v in std],
        "trained_on": {"n_per_class": comparison.n_per_class, "seed": comparison.seed,
                       "n_labeled": len(labeled)},
        "test_accuracy": comparison.transfer.test_accuracy,
    }
    return Head(linear, meta)


def bundle(head: Head, file_name: str = "transfer-head.zip") -> bytes:
    """The head as zip bytes: head.pt, head.json, README.txt."""
    weights = io.BytesIO()
    torch.save(head.linear.state_dict(), weights)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("transfer-head/head.pt", weights.getvalue())
        z.writestr("transfer-head/head.json", json.dumps(head.meta, indent=1))
        z.writestr("transfer-head/README.txt", USAGE.format(file=file_name))
    return out.getvalue()


def load_head(data: bytes, name: str = "transfer-head.zip") -> Head:
    """Zip bytes from `bundle` -> Head, or UploadError saying what is wrong with the file."""
    files = {p.rsplit("/", 1)[-1]: b for p, b in zip_files(data, name)}
    if "head.json" not in files or "head.pt" not in files:
        raise UploadError(f"{name} holds no head.json and head.pt; upload the zip this page "
                          f"downloaded.")
    try:
        meta = json.loads(files["head.json"].decode("utf-8"))
        state = torch.load(io.BytesIO(files["head.pt"]), map_location="cpu", weights_only=True)
    except Exception:
        raise UploadError(f"{name}: head.json or head.pt could not be read. Upload the zip this "
                          f"page downloaded, unchanged.") from None
    _check(meta, state, name)
    linear = linear_head(meta["feature_dim"], len(meta["classes"]))
    linear.load_state_dict(state)
    bb = get_backbone(meta["backbone"])
    if (bb.name != meta["backbone"] or meta.get("cut") not in bb.cuts
            or bb.dim(meta["cut"]) != meta["feature_dim"]):
        raise UploadError(f"{name} was trained on {meta['backbone']} features, which are not "
                          f"available here ({bb.notice}).")
    return Head(linear, meta)


def _check(meta, state, name):
    bad = lambda why: UploadError(f"{name} is not a Transfer Lab head: {why}.")
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise bad(f"head.json does not say format {FORMAT!r}")
    classes, dim = meta.get("classes"), meta.get("feature_dim")
    if (not isinstance(classes, list) or not 2 <= len(classes) <= MAX_CLASSES
            or not all(isinstance(c, str) for c in classes)):
        raise bad(f"'classes' must list 2 to {MAX_CLASSES} names")
    if meta.get("backbone") not in backbones.CHOICES or not isinstance(dim, int):
        raise bad("unknown backbone or feature size")
    for k in ("feature_mean", "feature_std"):
        if not isinstance(meta.get(k), list) or len(meta[k]) != dim:
            raise bad(f"'{k}' must have {dim} numbers")
    if meta.get("preprocessing", {}).get("image_size") != IMAGE_SIZE:
        raise bad(f"it expects images of another size than {IMAGE_SIZE} px")
    shapes = {k: tuple(getattr(v, "shape", ())) for k, v in state.items()} if isinstance(state, dict) else {}
    if shapes != {"weight": (len(classes), dim), "bias": (len(classes),)}:
        raise bad(f"head.pt holds {shapes or 'no tensors'}, not a {dim} -> {len(classes)} layer")
