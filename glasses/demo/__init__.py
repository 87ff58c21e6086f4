"""``glasses demo``: the whole story, end to end, with the embedded defaults."""
