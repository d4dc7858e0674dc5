import functools
import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def validate_time_zone(value: str) -> None:
    """Refuse names the IANA database does not know ("Bogota", "GMT-5 maybe")."""
    if value and value not in _available_time_zones():
        raise ValidationError(_("%(zone)s is not a known time zone."), params={"zone": value})


# zoneinfo.available_timezones() lists every file of the system's zone directory: "localtime"
# there is this server's own clock (a meeting in it would move with the server, and a feed would
# publish a zone no calendar knows), "posixrules" a template, "Factory" a placeholder.
NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@functools.cache
def _available_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) - NOT_ZONES


class UserManager(BaseUserManager):
    def _create(self, email, password, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)

    def get_by_natural_key(self, username):
        # Log-in by e-mail is case-insensitive: "Ana@IOM.int" and "ana@iom.int" are one person.
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who uses the platform: Regional Platform staff, co-coordinators, partners."""

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        OTHER = "other", _("Another gender")
        UNDISCLOSED = "undisclosed", _("Prefers not to say")

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    # Gender and languages feed the governance view: gender balance among co-coordinators and
    # Spanish/English coverage on every regional sector (seed 000, "professionally bilingual").
    gender = models.CharField(
        _("gender"), max_length=20, choices=Gender.choices, default=Gender.UNDISCLOSED
    )
    speaks_spanish = models.BooleanField(_("works in Spanish"), default=False)
    speaks_english = models.BooleanField(_("works in English"), default=False)
    speaks_portuguese = models.BooleanField(_("works in Portuguese"), default=False)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("en", "English"), ("es", "Español")],
        default="en",
    )

    class EmailFrequency(models.TextChoices):
        IMMEDIATE = "immediate", _("Each message as it comes")
        DAILY = "daily", _("One daily digest")

    # The inbox is always immediate; this chooses only how the e-mail copies arrive.
    email_frequency = models.CharField(
        _("e-mails"),
        max_length=10,
        choices=EmailFrequency.choices,
        default=EmailFrequency.IMMEDIATE,
    )
    # IANA name ("America/Bogota"); blank: the zone of the user's platform (meetings.zones).
    # Meetings are entered and shown in it, stored in UTC.
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_time_zone]
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("can use the admin site"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    # The password hash never goes into the audit trail.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.shown_name(self.full_name, self.email)

    @staticmethod
    def shown_name(full_name: str, email: str) -> str:
        """How a person is named where only their name or address is at hand (list rows)."""
        return full_name or email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class ApiToken(models.Model):
    """A key with which a script acts as its owner on the API; only a digest of it is stored.

    The key is shown once, when it is created. `prefix` is its public first part: it finds the
    row and tells the owner which key is which; the rest is checked against `digest`.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    # SHA-256 of the whole key, hex. The key is 256 random bits, so a plain hash is enough:
    # salting and stretching protect guessable passwords, not random keys.
    digest = models.CharField(_("digest"), max_length=64)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        constraints = [
            # The owner tells tokens apart by name; a new token with a taken name replaces it.
            models.UniqueConstraint("user", Lower("name"), name="api_token_name_unique_per_user"),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class Notification(models.Model):
    """One message in a user's in-app inbox; e-mail is a copy, so nothing depends on delivery."""

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # The e-mail copy goes through an outbox: a worker leases the row (email_next_try_at in
    # the future), sends, then sets emailed_at. A failed send is tried again after a backoff,
    # MAX_EMAIL_ATTEMPTS times, then email_failed_at shows it to the administrator.
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_next_try_at = models.DateTimeField(_("next e-mail attempt"), null=True, blank=True)
    email_failed_at = models.DateTimeField(_("e-mail failed"), null=True, blank=True)
    email_error = models.TextField(_("last e-mail error"), blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            # The outbox sweeper reads only the undelivered rows.
            models.Index(
                fields=["created_at"],
                condition=models.Q(emailed_at__isnull=True, email_failed_at__isnull=True),
                name="notification_outbox_idx",
            ),
            models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx"),
        ]

    def __str__(self):
        return self.subject


class Reminder(models.Model):
    """Something to tell someone at a due time: a term ending, a deadline, a meeting tomorrow.

    Rows, not long ETA tasks: a beat sweeper sends what is due and claims each row atomically,
    so a reminder is sent late rather than never (a missed run is caught up by the next) and
    never twice (two sweepers at once claim different rows). `kind` names the handler that
    writes the message (`r4v.reminders.handler`); the handler decides at send time whether the
    reminder still applies (a task that moved on, a cancelled meeting).
    """

    kind = models.CharField(_("kind"), max_length=60)
    # What it is about: the id of the kind's object (a designation, a task, a meeting).
    target_id = models.PositiveBigIntegerField(_("about"))
    # One reminder per occasion: e.g. "term_ending:co_lead:12:2027-03-31". Scheduling the same
    # key again moves the due time of a pending reminder instead of adding a second one.
    key = models.CharField(_("key"), max_length=200, unique=True)
    # Null: the handler resolves the recipients (a party) when it is sent.
    recipient = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("recipient"),
    )
    due_at = models.DateTimeField(_("due"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Set when the handler found nothing to say (the occasion has passed) or it was cancelled.
    skipped_at = models.DateTimeField(_("skipped"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["due_at"]
        indexes = [
            # The sweeper reads only pending rows, by due time.
            models.Index(
                fields=["due_at"],
                condition=models.Q(
                    sent_at__isnull=True, skipped_at__isnull=True, failed_at__isnull=True
                ),
                name="reminder_pending_idx",
            ),
            models.Index(fields=["kind", "target_id"], name="reminder_target_idx"),
        ]

    def __str__(self):
        return self.key

    @property
    def is_pending(self) -> bool:
        return self.sent_at is None and self.skipped_at is None and self.failed_at is None
