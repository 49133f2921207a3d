"""Run the emulator on a loopback port in a background thread of this process.

INTERFACE FIXED IN THE FOUNDATION COMMIT (implementation by the emulator owner):

    with EmbeddedEmulator(seed_jobs=8, speed=60.0, seed=7) as emu:
        emu.endpoint      # "http://127.0.0.1:<port>" — give to AzureOpenAI(azure_endpoint=...)
        emu.api_key       # the key it accepts (random when not given)
        emu.advance(300)  # move the simulated clock 300 s forward (any speed, incl. 0)

`speed=0` freezes the simulated clock: it moves only through `advance()`, which is what
snapshot and Pilot tests use to be deterministic.
"""
