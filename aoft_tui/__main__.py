from aoft_tui.cli import main

main()
