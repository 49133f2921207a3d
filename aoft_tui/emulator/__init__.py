"""A local emulator of the Azure OpenAI fine-tuning data plane (Starlette + uvicorn).

Public entry points:
- `EmbeddedEmulator` (embedded.py): run it on loopback inside this process (demo mode, tests).
- `create_app(...)` (app.py): the ASGI app, for `aoft-tui emulator`.
"""
