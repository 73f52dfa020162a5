"""mattebox backend: local neural person segmentation on ONNX Runtime (tasks ``body``, ``halfbody``)."""
