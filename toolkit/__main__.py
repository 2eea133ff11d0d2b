from toolkit.cli import main

main(prog_name="toolkit")
