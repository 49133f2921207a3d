from aoft_tui.cli import run

run()
