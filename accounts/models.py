"""Users, their roles, and where each belongs: one LEA or one school.

The user's place is the root of every access decision; see `accounts.scoping`.
"""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Role(models.TextChoices):
    ADMIN = "ADMIN", "Administrator"
    MANAGER = "MANAGER", "Strategy manager"
    LINK_ADVISER = "LINK_ADVISER", "Link adviser"
    CONSULTANT = "CONSULTANT", "Consultant leader (PSCL)"
    HEADTEACHER = "HEADTEACHER", "Headteacher"
    GOVERNOR = "GOVERNOR", "Governor"


#: Roles whose users belong to one LEA.
LEA_ROLES = frozenset({Role.MANAGER, Role.LINK_ADVISER, Role.CONSULTANT})
#: Roles whose users belong to one school.
SCHOOL_ROLES = frozenset({Role.HEADTEACHER, Role.GOVERNOR})


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The accounts `user` may see: all for an admin; for a strategy manager, the people of
        their LEA and its schools; for everyone else, only themselves."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            return self
        if user.role == Role.MANAGER:
            lea_id = user.local_authority_id
            return self.filter(Q(local_authority_id=lea_id) | Q(school__local_authority_id=lea_id))
        return self.filter(pk=user.pk)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def get_queryset(self):
        # Every page reads the signed-in user's place (navigation, scoping, home): loading it
        # with the user saves a query on each request.
        return super().get_queryset().select_related("local_authority", "school")

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(role=Role.ADMIN, is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address.

    Managers, link advisers and PSCLs belong to one LEA; headteachers and governors to one school
    (and so to its LEA); admins to none, and see every LEA. The database holds these rules.
    """

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    role = models.CharField(max_length=20, choices=Role.choices)
    local_authority = models.ForeignKey(
        "schools.LocalAuthority",
        verbose_name="LEA",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text="For strategy managers, link advisers and PSCLs.",
    )
    school = models.ForeignKey(
        "schools.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text="For headteachers and governors.",
    )
    job_title = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "staff status", default=False, help_text="May sign in to the Django admin."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.CheckConstraint(
                name="user_place_matches_role",
                condition=(
                    Q(
                        role__in=sorted(r.value for r in LEA_ROLES),
                        local_authority__isnull=False,
                        school__isnull=True,
                    )
                    | Q(
                        role__in=sorted(r.value for r in SCHOOL_ROLES),
                        local_authority__isnull=True,
                        school__isnull=False,
                    )
                    | Q(role=Role.ADMIN, local_authority__isnull=True, school__isnull=True)
                ),
                violation_error_message=(
                    "Managers, link advisers and PSCLs belong to an LEA; headteachers and "
                    "governors to a school; admins to neither."
                ),
            ),
            models.CheckConstraint(
                name="user_superuser_is_admin",
                condition=Q(is_superuser=False) | Q(role=Role.ADMIN),
                violation_error_message="Only an admin can be a superuser.",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} <{self.email}>"

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_lea_staff(self) -> bool:
        return self.role in LEA_ROLES

    @property
    def is_school_member(self) -> bool:
        return self.role in SCHOOL_ROLES


class ArchivableQuerySet(models.QuerySet):
    """Rows of an `Archivable` model: the working lists read `.active()`, the "former" and
    history views `.archived()`."""

    def active(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)


class Archivable(models.Model):
    """An operational record that is archived rather than deleted (issue 8, data protection):
    the row stays for the history and the money that refer to it, out of the working lists,
    until a retention rule removes what is personal in it.

    A subclass's manager must come from a QuerySet based on `ArchivableQuerySet` (so that
    `.active()` and `.archived()` exist on it and on its related managers). `archive` and
    `restore` save only the two fields, and record `user` as the history's author where the
    model keeps history."""

    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def archive(self, user=None, *, at=None) -> None:
        """Mark the row archived by `user` now (or `at`); a row already archived keeps when and
        by whom it was first archived."""
        if self.archived_at is not None:
            return
        self.archived_at = at or timezone.now()
        self.archived_by = user
        self._save_archive_fields(user)

    def restore(self, user=None) -> None:
        """Bring an archived row back into the working lists."""
        if self.archived_at is None:
            return
        self.archived_at = None
        self.archived_by = None
        self._save_archive_fields(user)

    def _save_archive_fields(self, user) -> None:
        if user is not None:
            # simple-history's author, where no request is at hand (a service, a command).
            self._history_user = user
        self.save(update_fields=["archived_at", "archived_by"])
