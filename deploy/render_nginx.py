"""Write deploy/nginx.conf.template with its @NAME@ placeholders filled in.

    python deploy/render_nginx.py --prefix /var/lib/site_cms-nginx --listen 80 \
        --upstream 127.0.0.1:8000 --media-root /srv/site_cms/media > nginx.conf

Several app servers: one ``--upstream`` for each (the balancer tries the next one when one
refuses or drops a request).
"""

import argparse
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf.template")


def render(prefix, listen, upstream, media_root, scheme="$scheme"):
    """The configuration; ``upstream`` is one ``host:port`` or a list of them."""
    text = TEMPLATE.read_text(encoding="utf-8")
    upstreams = [upstream] if isinstance(upstream, str) else list(upstream)
    values = {
        "PREFIX": str(prefix),
        "LISTEN": str(listen),
        "SERVERS": "\n".join(
            f"        server {address} max_fails=1 fail_timeout=5s;" for address in upstreams
        ),
        "MEDIA_ROOT": str(media_root),
        "SCHEME": scheme,
    }
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", required=True, help="nginx's folder: pid, logs, buffers")
    parser.add_argument("--listen", default="80")
    parser.add_argument(
        "--upstream", action="append", help="an app server, host:port (repeat for several)"
    )
    parser.add_argument("--media-root", required=True)
    parser.add_argument(
        "--scheme", default="$scheme", help="X-Forwarded-Proto: https when TLS ends here"
    )
    args = parser.parse_args()
    upstreams = args.upstream or ["127.0.0.1:8000"]
    sys.stdout.write(render(args.prefix, args.listen, upstreams, args.media_root, args.scheme))


if __name__ == "__main__":
    main()
