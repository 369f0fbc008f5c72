"""Circles: small groups of people from partner companies, their members and email invitations.

A Circle is made of people, not organizations. Every member row keeps its dates, and a member who
leaves or is replaced keeps the row (with who replaced them), so the Circle's history shows who
was in it when. Invitations store only the hash of their link's token.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone

from roundtable.circles.choices import (
    CURRENT_STATUSES,
    CircleStatus,
    MemberRole,
    MemberStatus,
    PurposeKind,
)
from roundtable.core.models import WorkspaceOwned, scoped_manager

MAX_TARGET_SIZE = 50


class CircleQuerySet(models.QuerySet):
    def visible_to(self, membership):
        """What a seat in the workspace may see: teammates every Circle, a guest only the
        Circles they are an active member of."""
        if membership is None:
            return self.none()
        if not membership.is_guest:
            return self
        return self.filter(
            Exists(
                CircleMember.objects.filter(
                    circle=OuterRef("pk"), user_id=membership.user_id, status=MemberStatus.ACTIVE
                )
            )
        )

    def carrying(self, tags):
        """Circles whose ICP includes every one of `tags`."""
        queryset = self
        for tag in tags:
            queryset = queryset.filter(tags=tag)
        return queryset

    def with_people_of(self, organization):
        """Circles in which someone from `organization` is a current member."""
        return self.filter(
            Exists(
                CircleMember.objects.current().filter(
                    circle=OuterRef("pk"), person__organization=organization
                )
            )
        )

    def with_member_counts(self):
        return self.annotate(
            active_count=Count("members", filter=Q(members__status=MemberStatus.ACTIVE)),
            current_count=Count("members", filter=Q(members__status__in=CURRENT_STATUSES)),
        )


class Circle(WorkspaceOwned):
    """About five people from partner companies with one purpose: an ICP persona, a conference
    or a city. Grown from a core partner's Konnections, hosted by a teammate."""

    name = models.CharField(max_length=200)
    purpose_kind = models.CharField(
        max_length=16, choices=PurposeKind.choices, default=PurposeKind.ICP
    )
    purpose = models.TextField(blank=True, help_text="What brings these people together")
    tags = models.ManyToManyField("ecosystem.Tag", blank=True, related_name="circles")
    core_partner = models.ForeignKey(
        "ecosystem.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grown_circles",
    )
    target_size = models.PositiveSmallIntegerField(default=5)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosted_circles",
    )
    status = models.CharField(
        max_length=16, choices=CircleStatus.choices, default=CircleStatus.FORMING
    )
    # The Message-ID every email about this Circle refers to, so mail clients show one thread.
    thread_id = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = scoped_manager(CircleQuerySet)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("name"),
                name="circle_unique_name",
                violation_error_message="A Circle with this name already exists.",
            ),
            models.CheckConstraint(
                condition=Q(target_size__gte=1, target_size__lte=MAX_TARGET_SIZE),
                name="circle_target_size_range",
                violation_error_message=f"The target size is between 1 and {MAX_TARGET_SIZE}.",
            ),
        ]
        indexes = [
            # The Circles list: one workspace, in name order, often narrowed by status.
            models.Index(fields=["workspace", "status", "name"], name="circle_ws_status_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class CircleMemberQuerySet(models.QuerySet):
    def current(self):
        """In the Circle or on the way in: proposed, invited or active."""
        return self.filter(status__in=CURRENT_STATUSES)

    def past(self):
        return self.exclude(status__in=CURRENT_STATUSES)

    def active(self):
        return self.filter(status=MemberStatus.ACTIVE)

    def awaiting_invitation(self):
        return self.filter(status=MemberStatus.PROPOSED)

    def in_table_order(self):
        """Hosts first, then in the order they were added."""
        return self.select_related("person__organization", "user", "replaced_by").order_by(
            models.Case(models.When(role=MemberRole.HOST, then=0), default=1), "created_at", "id"
        )


class CircleMember(WorkspaceOwned):
    """One person's seat in a Circle, with its dates. A partner person (`person`) or a teammate
    (`user`); a partner person who accepts an invitation gets `user` too (their guest account).

    `name`, `email` and `organization_name` are copied when the member is added, so the history
    still reads right if the person is later deleted from the directory.
    """

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "ecosystem.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="circle_memberships",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="circle_memberships",
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    organization_name = models.CharField(max_length=255, blank=True)
    role = models.CharField(max_length=16, choices=MemberRole.choices, default=MemberRole.MEMBER)
    status = models.CharField(
        max_length=16, choices=MemberStatus.choices, default=MemberStatus.PROPOSED
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Declined, left or replaced")
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = scoped_manager(CircleMemberQuerySet)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["circle", "person"],
                condition=Q(status__in=CURRENT_STATUSES, person__isnull=False),
                name="circle_member_unique_person",
                violation_error_message="This person is already in the Circle.",
            ),
            models.UniqueConstraint(
                fields=["circle", "user"],
                condition=Q(status__in=CURRENT_STATUSES, user__isnull=False),
                name="circle_member_unique_user",
                violation_error_message="This teammate is already in the Circle.",
            ),
        ]
        indexes = [
            # An organization's page: the Circles its people are in; the list's member filter.
            models.Index(fields=["workspace", "person", "status"], name="circle_member_person_idx"),
            # Guest access: the Circles a user is an active member of (every guest request).
            models.Index(fields=["workspace", "user", "status"], name="circle_member_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} in {self.circle_id} ({self.status})"

    @property
    def is_teammate(self) -> bool:
        return self.person_id is None and self.user_id is not None

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATUSES

    @property
    def since(self):
        """When the member reached the status they are in."""
        if self.status == MemberStatus.ACTIVE:
            return self.joined_at
        if self.status == MemberStatus.INVITED:
            return self.invited_at
        if self.status == MemberStatus.PROPOSED:
            return self.created_at
        return self.ended_at


class CircleInvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(
            accepted_at__isnull=True,
            declined_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )


class CircleInvitation(WorkspaceOwned):
    """The emailed invitation of one member, with a personal accept / decline link. Resending
    gives it a new token (the old link stops working) and a new expiry date."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="invitations")
    member = models.OneToOneField(CircleMember, on_delete=models.CASCADE, related_name="invitation")
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField()
    send_count = models.PositiveSmallIntegerField(default=1)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declined_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The last email sent for it: its delivery status and attempts show on the Circle page.
    delivery = models.ForeignKey(
        "core.OutboundEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = scoped_manager(CircleInvitationQuerySet)

    class Meta:
        ordering = ["-sent_at", "id"]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.circle_id} ({self.state})"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.declined_at:
            return "declined"
        if self.revoked_at:
            return "withdrawn"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"
