"""The downloadable head standardises features exactly as the engine does (lib/export.py cites
this test): same mean, same spread, same handling of constant and tiny-scale features."""
import numpy as np

from lib.export import feature_stats
from lib.runs import standardise


def test_feature_stats_give_the_engines_standardised_features_bit_for_bit():
    rng = np.random.default_rng(0)
    train = rng.normal(3, 2, (40, 6)).astype(np.float32)
    train[:, 1] = 5.0      # a constant feature: its spread is taken as 1, not 0
    train[:, 2] *= 1e-9    # a random network's features are ~1e-9: kept, not treated as constant
    other = rng.normal(3, 2, (10, 6)).astype(np.float32)
    mean, std = feature_stats(train)
    z_train, z_other = standardise(train, other)
    assert std[1] == 1.0 and std[2] < 1e-8
    for raw, engine in ((train, z_train), (other, z_other)):
        assert np.array_equal(((raw - mean) / std).astype(np.float32), engine)


def test_the_engine_standardises_as_scikit_learn_does():
    from sklearn.preprocessing import StandardScaler
    rng = np.random.default_rng(1)
    train, other = rng.normal(0, 1e-9, (30, 4)), rng.normal(0, 1e-9, (8, 4))
    reference = StandardScaler().fit(train)
    z_train, z_other = standardise(train, other)
    assert np.allclose(z_other, reference.transform(other), atol=1e-6)
    assert np.allclose(z_train.mean(0), 0, atol=1e-6) and np.allclose(z_train.std(0), 1, atol=1e-5)
