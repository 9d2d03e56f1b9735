"""Live 1:1 face verification against the chip portrait, with active liveness.

Frames, landmarks and embeddings live in memory only and are dropped with the decision."""
