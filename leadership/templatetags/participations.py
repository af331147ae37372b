"""Template filters of the programme's participations: `{% load participations %}`."""

from django import template

from ..models import ParticipationStatus as Status

register = template.Library()

#: The GOV.UK tag colour of each participation status; withdrawn (and any other) is red.
_TAG_CLASSES = {
    Status.IDENTIFIED: "govuk-tag--grey",
    Status.INVITED: "govuk-tag--blue",
    Status.ACCEPTED: "govuk-tag--turquoise",
    Status.DECLINED: "govuk-tag--orange",
    Status.ACTIVE: "govuk-tag--green",
    Status.COMPLETED: "govuk-tag--purple",
}


@register.filter
def status_tag_class(status: str) -> str:
    """The tag class of a participation status: `{{ participation.status|status_tag_class }}`."""
    return _TAG_CLASSES.get(status, "govuk-tag--red")
