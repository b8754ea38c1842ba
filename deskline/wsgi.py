"""The WSGI application (`deskline serve` runs it in granian; see docs/adr/0002)."""

import os
from typing import Any

import django
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpResponse

from deskline.core.server import exit_with_the_server, is_server_worker


class Application(WSGIHandler):
    """Django's handler, giving a finished response's body to the server as one list item.

    Django hands the server the response object to iterate. granian sends an iterable from its
    own thread, which must take the GIL back from the worker's next request for every chunk;
    a list it writes at once (make bench: ...). Streaming and file responses are left as they
    are. The response is closed here, as the server would (request_finished is sent).
    """

    def __call__(self, environ: Any, start_response: Any) -> Any:
        response = super().__call__(environ, start_response)
        if not isinstance(response, HttpResponse):  # streaming or a file
            return response
        try:
            return [response.content]
        finally:
            response.close()


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskline.settings")
django.setup(set_prefix=False)
from deskline.search.documents import warm_up  # noqa: E402 - needs the apps set up

exit_with_the_server()  # a worker of `deskline serve` does not outlive it (core/server.py)
application = Application()
# The first search of each worker would wait seconds for jieba's dictionary and the model.
# Only in the server's workers: a thread loading them while a test process imports and parses
# modules trips CPython 3.11 ("AST constructor recursion depth mismatch").
if is_server_worker():
    warm_up()
