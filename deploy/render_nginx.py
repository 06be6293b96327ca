"""Write deploy/nginx.conf.template with its @NAME@ placeholders filled in.

    python deploy/render_nginx.py --prefix /var/lib/site_cms-nginx --listen 80 \
        --upstream 127.0.0.1:8000 --media-root /srv/site_cms/media > nginx.conf
"""

import argparse
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf.template")


def render(prefix, listen, upstream, media_root, scheme="$scheme"):
    text = TEMPLATE.read_text(encoding="utf-8")
    values = {
        "PREFIX": str(prefix),
        "LISTEN": str(listen),
        "UPSTREAM": upstream,
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
    parser.add_argument("--upstream", default="127.0.0.1:8000")
    parser.add_argument("--media-root", required=True)
    parser.add_argument(
        "--scheme", default="$scheme", help="X-Forwarded-Proto: https when TLS ends here"
    )
    args = parser.parse_args()
    sys.stdout.write(render(args.prefix, args.listen, args.upstream, args.media_root, args.scheme))


if __name__ == "__main__":
    main()
