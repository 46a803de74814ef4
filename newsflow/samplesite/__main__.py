"""``python -m demo [--host 127.0.0.1] [--port 8765] [--delay 0]``: serve the sample
site until Ctrl-C and print its feed URLs (used by ``make demo``)."""

from __future__ import annotations

import argparse
import signal
import sys
import time

from .server import SampleSite


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__.split(":")[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default: 8765; 0 = any free port)")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before each article page")
    parser.add_argument("--verbose", "-v", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)

    try:
        site = SampleSite(host=args.host, port=args.port, delay=args.delay, verbose=args.verbose).start()
    except OSError as exc:
        print(f"samplesite: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    print(f"The Harbor Ledger sample site: {site.base_url}/", flush=True)
    for url in site.feed_urls:
        print(url, flush=True)
    print(f"OPML: {site.opml_url}", flush=True)
    print("Press Ctrl-C to stop.", file=sys.stderr, flush=True)

    def _interrupt(signum, frame):
        raise KeyboardInterrupt

    # Stop cleanly on SIGTERM (kill, make) and on SIGINT even when started in the background,
    # where a shell leaves SIGINT ignored.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        site.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
