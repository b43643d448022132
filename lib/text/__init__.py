"""The text ways: tokens and the small networks (models), skip-gram word vectors pretrained on
unlabeled reviews (skipgram), the packaged MiniLM sentence encoder (encoders), and the ways side
by side (ways)."""
