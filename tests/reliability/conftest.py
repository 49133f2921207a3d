"""Reliability tests: real emulator processes stopped mid-flight, and HTTP fuzzing."""
