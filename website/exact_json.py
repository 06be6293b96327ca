"""The backup's serialization: Django's JSON, with times to the microsecond.

Django's own JSON keeps times to the millisecond, and its XML strips the whitespace at
both ends of every text (an indented code block opening a post, a hard line break
closing one). This writes Django's JSON with full times: plain ``loaddata`` reads it.
"""

import datetime

from django.core.serializers import json
from django.core.serializers.json import DjangoJSONEncoder


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(json.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactEncoder


Deserializer = json.Deserializer
