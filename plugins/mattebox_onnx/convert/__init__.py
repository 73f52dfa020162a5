"""TFLite → ONNX conversion for the models mattebox installs (no TensorFlow needed)."""
