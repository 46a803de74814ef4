"""Without the `distributed` extra (kafka-python, elasticsearch) newsflow runs on the embedded
bus and index, and choosing Kafka or Elasticsearch is refused with one line naming the extra."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

# kafka and elasticsearch made unimportable, as in an install without the extra
WITHOUT_EXTRA = textwrap.dedent("""
    import sys
    for name in ("kafka", "elasticsearch", "elastic_transport"):
        sys.modules[name] = None
""")


def run_without_extra(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WITHOUT_EXTRA + textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=120)


def test_the_embedded_deployment_needs_no_extra(tmp_path):
    run = run_without_extra(f"""
        from index import open_index
        from newsflow.core.bus import open_bus
        from newsflow.core.config import Settings
        settings = Settings(data_dir={str(tmp_path)!r})
        open_bus(settings).close()
        open_index(settings).close()
        print("ok")
    """)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ok"


@pytest.mark.parametrize("setting, value, opener", [
    ("bus", "kafka", "from newsflow.core.bus import open_bus as open_backend"),
    ("index", "elasticsearch", "from index import open_index as open_backend"),
])
def test_a_distributed_backend_without_the_extra_is_a_configuration_error(tmp_path, setting, value, opener):
    run = run_without_extra(f"""
        {opener}
        from newsflow.core.config import ConfigError, Settings
        try:
            open_backend(Settings({setting}={value!r}, data_dir={str(tmp_path)!r}))
        except ConfigError as exc:
            print(exc)
    """)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == (f"NEWSFLOW_{setting.upper()}={value} needs the optional extra 'distributed': "
                                  "pip install 'newsflow[distributed]'")


def test_the_cli_says_so_in_one_line(tmp_path):
    run = run_without_extra(f"""
        import sys
        from newsflow.cli import main
        sys.argv = ["newsflow", "topic", "read", "x", "--until-idle", "--data-dir", {str(tmp_path)!r}]
        main()
    """.replace("main()", "import os; os.environ['NEWSFLOW_BUS'] = 'kafka'; main()"))
    assert run.returncode == 2, run.stderr
    assert run.stderr.strip().splitlines()[-1] == (
        "error: NEWSFLOW_BUS=kafka needs the optional extra 'distributed': pip install 'newsflow[distributed]'")
