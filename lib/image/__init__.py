"""The image ways: pretrained backbones cut into stages (backbones), their features computed once
and cached (features), fine-tuning the top stages (finetune), and the ways side by side (ways)."""
