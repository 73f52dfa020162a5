"""Anchors for the keyer benchmarks: FFmpeg's chromakey in-process, Blender's keying nodes in bpy."""
