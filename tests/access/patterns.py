"""Every URL pattern of the project, as the resolver holds them, keyed as the access policy
keys them: the namespaced URL name, or the route for a pattern without a name."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Pattern:
    key: str  # "schools:detail", or the route of an unnamed pattern ("favicon.ico")
    route: str
    kwargs: frozenset  # the names of the URL's keyword arguments


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if pattern.name:
                key = f"{namespace}:{pattern.name}" if namespace else pattern.name
            else:
                key = route
            names = frozenset(pattern.pattern.regex.groupindex)
            yield Pattern(key=key, route=route, kwargs=names)


def all_patterns() -> list[Pattern]:
    """Every pattern of the root URLconf, the Django admin's included."""
    return list(_walk(get_resolver().url_patterns))
