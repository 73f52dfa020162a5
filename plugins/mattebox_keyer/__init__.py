"""mattebox's local green-screen keyer (task ``greenscreen``)."""
