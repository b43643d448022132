"""How many weights a head has, and the same written out as arithmetic: the one source of every
head size the pages and the ways show. Plain Python, so the home page says it before torch loads."""


def head_weights(num_features: int, num_classes: int, hidden: int | None = None) -> int:
    """Weights of a head on `num_features` features: linear, or with one hidden layer."""
    if hidden is None:
        return (num_features + 1) * num_classes
    return (num_features + 1) * hidden + (hidden + 1) * num_classes


def head_formula(num_features: int, num_classes: int, hidden: int | None = None) -> str:
    """A head's size written out: linear, '(2,048 + 1) × 2 = 4,098'; with one hidden layer,
    '(50 + 1) × 16 + (16 + 1) × 2 = 850'. The one place every page's head arithmetic comes from."""
    total = head_weights(num_features, num_classes, hidden)
    if hidden is None:
        return f"({num_features:,} + 1) × {num_classes} = {total:,}"
    return f"({num_features:,} + 1) × {hidden} + ({hidden} + 1) × {num_classes} = {total:,}"
