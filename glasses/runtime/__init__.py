"""The running glasses: stages around the pure state machine."""
