"""``python -m newsflow.cli``: the same as the ``newsflow`` command."""

from newsflow.cli import main

main()
