"""How a file gets checked fast: reading it in chunks, the fast paths for the common
records, the optional C loops (native.py), the worker processes, and the merge.

Each fast path accepts a record only when the full checker (../rules) would report
nothing for it, so every problem is found by the rules alone.
"""
