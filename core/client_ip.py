"""The client's address, read one way everywhere: the login throttle (django-axes, through
``AXES_CLIENT_IP_CALLABLE``), the other throttles (core/throttle.py) and the request log.

Without a proxy in front (``PROXY_COUNT`` 0, the default), it is ``REMOTE_ADDR`` and
``X-Forwarded-For`` is ignored: a client may write anything there. Behind ``PROXY_COUNT``
proxies that each append the address they were reached from (nginx's
``$proxy_add_x_forwarded_for``), it is the address the outermost of them appended: the
``PROXY_COUNT``-th from the end. What the client wrote before it is never read, so a
forged header cannot pick the address a failure counts against.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    proxies = settings.PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        if len(hops) >= proxies:
            try:
                # An address, never a string a throttle key or a log line would take whole.
                return str(ipaddress.ip_address(hops[-proxies]))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR")
