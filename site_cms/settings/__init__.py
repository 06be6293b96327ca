"""Settings profiles: ``dev`` (make run), ``test`` (pytest) and ``production`` (gunicorn).

Every value that differs between machines is read from the environment in ``base``.
"""
