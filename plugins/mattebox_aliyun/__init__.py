"""mattebox backend: Alibaba Cloud videoseg (all three tasks) and a local emulator of the service."""
