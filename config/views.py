"""Views of the project as a whole, not of one app."""

from django.http import HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def health(request):
    """Answers "ok" to a load balancer's health check. It reads nothing, so it is also the
    floor of the page benchmark (bench/pages_bench.py): what any request through the whole
    middleware stack costs on the same server."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
