"""The access-policy table (config/access_policy.py) classifies every URL of the project, and
docs/access-policy.md says what the table says."""

from config.access_policy import (
    ADMIN_PREFIX,
    OBJECT_KINDS,
    RULES,
    Access,
    as_markdown,
    markdown_path,
    rule_for,
)
from tests.access.patterns import all_patterns


def test_every_url_pattern_has_an_access_rule():
    unclassified = sorted(
        f"{pattern.key} ({pattern.route})"
        for pattern in all_patterns()
        if rule_for(pattern.key) is None
    )

    assert not unclassified, (
        "URL patterns without an entry in config/access_policy.py RULES:\n  "
        + "\n  ".join(unclassified)
    )


def test_every_access_rule_names_a_url_pattern():
    keys = {pattern.key for pattern in all_patterns()}

    stale = sorted(name for name in RULES if name not in keys)

    assert not stale, "RULES entries naming no URL pattern:\n  " + "\n  ".join(stale)


def test_the_admin_prefix_rule_covers_only_admin_urls():
    admin_keys = [p.key for p in all_patterns() if p.route.startswith("admin/")]

    assert admin_keys
    # The admin's own patterns, and the site's stand-in for its log-in page (named in RULES).
    assert all(key.startswith((ADMIN_PREFIX, "admin/")) or key in RULES for key in admin_keys)
    assert not any(name.startswith(ADMIN_PREFIX) for name in RULES)


def test_each_rule_is_well_formed():
    for name, rule in RULES.items():
        assert rule.methods, name
        assert set(rule.methods) <= {"GET", "POST", "PUT", "PATCH", "DELETE"}, name
        assert rule.obj is None or rule.obj in OBJECT_KINDS, name
        if rule.access == Access.ROLES:
            assert rule.roles, f"{name}: ROLES without roles"
        else:
            assert not rule.roles, f"{name}: roles given for {rule.access}"


def test_a_url_with_keyword_arguments_names_its_object():
    """A URL that names something in its path says what kind of thing it is."""
    missing = sorted(
        pattern.key
        for pattern in all_patterns()
        if pattern.kwargs
        and pattern.kwargs != {"format"}
        and not pattern.key.startswith(ADMIN_PREFIX)
        and RULES.get(pattern.key) is not None
        and RULES[pattern.key].obj is None
    )

    assert not missing, "URLs with arguments but no object kind:\n  " + "\n  ".join(missing)


def test_the_readable_policy_matches_the_table():
    written = markdown_path().read_text(encoding="utf-8")

    assert written == as_markdown(), (
        "docs/access-policy.md is out of date: run `python manage.py shell -c "
        '"from config.access_policy import write_markdown; write_markdown()"`'
    )
