"""`python -m platform_core.sandbox --port 5055 --seed demo --keep instance/sandbox/kept-apps.json`

Serves the three fake Zalo hosts on one origin (/oauth, /openapi, /business), the control API (/_fake) and
the phone view (/). The demo seed's webhooks point at <public base url>/zalo/webhook/<slug>.
"""

import argparse
import logging
import sys

from platform_core.sandbox import keeping
from platform_core.sandbox.seeds import apply_settings, load_seed_file
from platform_core.sandbox.server import SandboxServer


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m platform_core.sandbox", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--seed", help="a seed JSON file, or the name of a shipped one (demo)")
    parser.add_argument("--keep", metavar="FILE",
                        help="load the apps kept in FILE and keep there the ones created with keep=true (keeping.py)")
    parser.add_argument("--public-base-url", default="http://127.0.0.1:5000",
                        help="where the product runs; webhooks go to <this>/zalo/webhook/<slug>")
    parser.add_argument("--latency-ms", type=int, default=0,
                        help="added to every Zalo call (awaited: calls wait in parallel); /_fake/latency changes it")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
    server = SandboxServer(args.host, args.port, quiet=not args.verbose)
    if args.seed:
        load_seed_file(server.state, args.seed, args.public_base_url)
    if args.keep:
        keeping.load(server.state, args.keep, args.public_base_url)
    if args.latency_ms:
        apply_settings(server.state, {"latency_ms": args.latency_ms})
    for name, url in server.urls().items():
        print(f"{name:8} {url}")
    print(f"{'phone':8} {server.base_url}/")
    print(f"{'control':8} {server.base_url}/_fake")
    sys.stdout.flush()
    server.serve_forever()  # until Ctrl-C or SIGTERM


if __name__ == "__main__":
    main()
