"""The funding rates of a programme year and the grant each participating school gets from them
(DOMAIN.md: Funding, 2004-05 figures, all configurable per programme year)."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from accounts.models import Role
from accounts.scoping import scope_to_lea, scope_to_schools

MONEY = {"max_digits": 10, "decimal_places": 2}
ZERO = Decimal("0.00")


class FundingRatesQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_to_lea(self, user, lea_path="programme_year__local_authority")


class FundingRates(models.Model):
    """The money rules of one programme year. The size threshold (`small_school_max_pupils`)
    and the PSCL days per school (`pscl_days_per_school`) are the programme year's own numbers,
    edited on the same page, so that each number lives in one place."""

    programme_year = models.OneToOneField(
        "leadership.ProgrammeYear", on_delete=models.CASCADE, related_name="funding_rates"
    )
    daily_supply_rate = models.DecimalField(
        "daily supply-cover rate (GBP)",
        max_digits=7,
        decimal_places=2,
        default=Decimal("150.00"),
        validators=[MinValueValidator(ZERO)],
    )
    supply_days_per_person = models.DecimalField(
        "supply days per funded person",
        max_digits=4,
        decimal_places=1,
        default=Decimal("5.0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    funded_people_large = models.PositiveSmallIntegerField(
        "funded people, school over the threshold",
        default=3,
        help_text="Three senior staff; the head takes part too, unfunded.",
    )
    funded_people_small = models.PositiveSmallIntegerField(
        "funded people, school at or under the threshold",
        default=2,
        help_text="The head and one other teacher.",
    )
    travel_grant = models.DecimalField(
        "travel grant per school (GBP)",
        max_digits=8,
        decimal_places=2,
        default=Decimal("120.00"),
        validators=[MinValueValidator(ZERO)],
    )
    pscl_day_rate = models.DecimalField(
        "PSCL day rate (GBP)",
        max_digits=7,
        decimal_places=2,
        default=Decimal("300.00"),
        validators=[MinValueValidator(ZERO)],
    )
    returns_due_on = models.DateField(
        "expenditure returns due by",
        null=True,
        blank=True,
        help_text="The date by which every funded school must send its expenditure return.",
    )

    objects = FundingRatesQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "funding rates"
        verbose_name_plural = "funding rates"
        constraints = [
            models.CheckConstraint(
                name="funding_rates_not_negative",
                condition=Q(
                    daily_supply_rate__gte=0,
                    supply_days_per_person__gte=0,
                    travel_grant__gte=0,
                    pscl_day_rate__gte=0,
                ),
                violation_error_message="Rates cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"Funding rates for {self.programme_year}"


class GrantQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A school's grant: its headteacher and governors, the LEA's strategy managers,
        admins (issue 5: who sees what). PSCLs see their own payments, not schools' grants."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role in (Role.CONSULTANT, Role.LINK_ADVISER):
            return self.none()
        return scope_to_schools(self, user, school_path="participation__school")


class Grant(models.Model):
    """A participating school's grant, as computed by `funding.services.grants.grant_compute`
    from the year's rates and the school's number on roll: every figure of the sum is kept,
    so the breakdown can be read and the history shows what changed."""

    participation = models.OneToOneField(
        "leadership.Participation", on_delete=models.PROTECT, related_name="grant"
    )
    pupils = models.PositiveIntegerField("number on roll used")
    size_threshold = models.PositiveSmallIntegerField()
    funded_people = models.PositiveSmallIntegerField()
    supply_days_per_person = models.DecimalField(max_digits=4, decimal_places=1)
    supply_days = models.DecimalField(max_digits=5, decimal_places=1)
    daily_rate = models.DecimalField(max_digits=7, decimal_places=2)
    supply_amount = models.DecimalField(**MONEY)
    travel_grant = models.DecimalField(max_digits=8, decimal_places=2)
    pscl_days = models.DecimalField(max_digits=4, decimal_places=1)
    pscl_day_rate = models.DecimalField(max_digits=7, decimal_places=2)
    pscl_amount = models.DecimalField(**MONEY)
    total = models.DecimalField(**MONEY)
    computed_at = models.DateTimeField()

    objects = GrantQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["participation__school__name"]
        constraints = [
            models.CheckConstraint(
                name="grant_total_is_the_sum",
                condition=Q(total=F("supply_amount") + F("travel_grant") + F("pscl_amount")),
                violation_error_message="The total is supply cover, travel and PSCL support.",
            ),
            models.CheckConstraint(
                name="grant_amounts_not_negative",
                condition=Q(supply_amount__gte=0, travel_grant__gte=0, pscl_amount__gte=0),
                violation_error_message="Amounts cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"Grant for {self.participation}: GBP {self.total}"

    @property
    def is_small_school(self) -> bool:
        return self.pupils <= self.size_threshold

    @property
    def school_amount(self):
        """What the school itself receives: supply cover and travel (the PSCL is paid apart)."""
        return self.supply_amount + self.travel_grant
