"""API of Catatan Tugasan Harian and Papan Tugasan: task-log entries, reviews, tasks, status moves,
comments and attachments.

Querysets come from `reach` in `get_queryset()`: an entry or a task outside the caller's reach is a
404. Writes go through `services` (same rules and messages as the pages); an error about the whole
object is a 400 with `detail` and a `code` such as `invalid_transition`."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.fields import get_error_detail
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from spotme.api import StrictJSONParser, query_date, query_int
from tenant_apps.people.access import get_access
from tenant_apps.people.api import AgencyViewSet
from tenant_apps.people.models import Officer

from . import corrections, reach, services
from .models import Priority, Status, Task, TaskAttachment, TaskComment, TaskLogEntry, TaskLogReview


class Refused(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"
    default_detail = "invalid"


def _service(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ApiValidationError(get_error_detail(exc)) from exc
        raise Refused(" ".join(exc.messages), code=exc.code or "invalid") from exc


def _date_param(request, name: str) -> date | None:
    return query_date(request, name)


def _int_param(request, name: str) -> int | None:
    return query_int(request, name)


class ScopedPrimaryKey(serializers.PrimaryKeyRelatedField):
    """Choices built per request by `queryset_fn(access)`; `queryset` only names the model."""

    def __init__(self, *args, queryset_fn=None, **kwargs):
        self.queryset_fn = queryset_fn
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        return self.queryset_fn(get_access(self.context["request"]))


class TasksViewSet(AgencyViewSet):
    """Everyone signed in may call; each action finds its objects through `reach`."""

    @staticmethod
    def read(access) -> bool:
        return True

    @staticmethod
    def write(access) -> bool:
        return True

    def me(self) -> Officer:
        officer = self.access.officer
        if officer is None:
            raise PermissionDenied("no officer profile")
        return officer


# --- task log -------------------------------------------------------------------------------------


class LogEntrySerializer(serializers.ModelSerializer):
    task = ScopedPrimaryKey(
        queryset=Task.objects.none(),
        queryset_fn=reach.visible_tasks,
        required=False,
        allow_null=True,
        help_text="a board task the officer is assigned",
    )
    minutes = serializers.IntegerField(min_value=1, max_value=24 * 60)
    reviewed = serializers.SerializerMethodField()
    editable = serializers.SerializerMethodField()
    warning = serializers.SerializerMethodField(
        help_text="after a write: the day's log holds more than the minutes worked that day"
    )

    class Meta:
        model = TaskLogEntry
        fields = [
            "id",
            "officer",
            "date",
            "description",
            "minutes",
            "task",
            "reviewed",
            "editable",
            "correction",
            "correction_comment",
            "returned_by",
            "returned_at",
            "warning",
        ]
        read_only_fields = ["officer", "correction", "correction_comment", "returned_by", "returned_at"]

    def get_warning(self, entry) -> str | None:
        return getattr(entry, "warning", None)

    def get_reviewed(self, entry) -> bool:
        return services.is_reviewed(entry.officer, entry.date)

    def get_editable(self, entry) -> bool:
        request = self.context.get("request")
        me = get_access(request).officer if request else None
        return (
            me is not None
            and entry.officer_id == me.pk
            and (corrections.is_returned(entry) or services.day_editable(entry.officer, entry.date))
        )


class ReturnRequest(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, help_text="what the officer is to correct")


PERIOD_FILTERS = [
    OpenApiParameter("officer", int, description="a supervisee (default: yourself)"),
    OpenApiParameter("date", str, description="YYYY-MM-DD: that day"),
    OpenApiParameter("week", str, description="YYYY-MM-DD: the Monday–Sunday week around that day"),
    OpenApiParameter("from", str, description="YYYY-MM-DD"),
    OpenApiParameter("to", str, description="YYYY-MM-DD"),
]


def _period_filtered(request, qs, access):
    officer_id = _int_param(request, "officer")
    if officer_id is None:
        qs = qs.filter(officer=access.officer)
    else:
        if not reach.log_officers(access).filter(pk=officer_id).exists():
            raise NotFound()
        qs = qs.filter(officer_id=officer_id)
    if (day := _date_param(request, "date")) is not None:
        qs = qs.filter(date=day)
    if (day := _date_param(request, "week")) is not None:
        qs = qs.filter(date__range=services.week_of(day))
    if (start := _date_param(request, "from")) is not None:
        qs = qs.filter(date__gte=start)
    if (end := _date_param(request, "to")) is not None:
        qs = qs.filter(date__lte=end)
    return qs


@extend_schema_view(list=extend_schema(parameters=PERIOD_FILTERS))
class LogEntryViewSet(
    TasksViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
):
    """Catatan Tugasan Harian. Officers write their own log (today and the agency's number of days
    before; not ahead; at most 24 hours a day; a reviewed day is closed: 400 `window_closed`, `future`,
    `day_total`, `reviewed`). Supervisors read their supervisees' with `?officer=`, by `date` or `week`,
    and return an entry for correction (`POST …/{id}/return/`); a returned entry stays editable until
    the officer saves it (`correction`: returned → corrected)."""

    serializer_class = LogEntrySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema's generation
            return TaskLogEntry.objects.none()
        self.me()
        base = TaskLogEntry.objects.select_related("officer", "task").order_by("date", "pk")
        if self.action == "list":
            return _period_filtered(self.request, base, self.access)
        if self.action == "retrieve":
            return base.filter(officer__in=reach.log_officers(self.access))
        if self.action == "return_entry":
            return base.filter(officer__in=reach.supervisees(self.access))
        return base.filter(officer=self.access.officer)

    def perform_create(self, serializer):
        serializer.instance = self._save(serializer, TaskLogEntry())

    def perform_update(self, serializer):
        serializer.instance = self._save(serializer, serializer.instance)

    def _save(self, serializer, entry):
        data = serializer.validated_data
        return _service(
            services.save_log_entry,
            self.me(),
            entry,
            date=data.get("date", entry.date),
            description=data.get("description", entry.description),
            minutes=data.get("minutes", entry.minutes),
            task=data.get("task", entry.task if entry.pk else None),
        )

    def perform_destroy(self, instance):
        _service(services.delete_log_entry, self.me(), instance)

    @extend_schema(request=ReturnRequest, responses=LogEntrySerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_entry(self, request, pk=None):
        """Return a supervisee's entry for correction with `comment` (at least 3 characters); the
        officer is notified, the day reopens, and the officer's next save marks it `corrected`."""
        if not self.access.is_supervisor:
            raise PermissionDenied()
        entry = self.get_object()
        body = ReturnRequest(data=request.data)
        body.is_valid(raise_exception=True)
        entry = _service(
            corrections.return_for_correction, self.access, entry, comment=body.validated_data["comment"]
        )
        return Response(self.get_serializer(entry).data)


class ReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskLogReview
        fields = ["id", "officer", "date", "reviewer", "comment", "reviewed_at"]


class ReviewRequest(serializers.Serializer):
    officer = serializers.IntegerField()
    date = serializers.DateField()
    period = serializers.ChoiceField(choices=["day", "week"], default="day")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


@extend_schema_view(
    list=extend_schema(parameters=PERIOD_FILTERS),
    create=extend_schema(request=ReviewRequest, responses={201: ReviewSerializer(many=True)}),
)
class ReviewViewSet(TasksViewSet, mixins.ListModelMixin, mixins.CreateModelMixin):
    """The supervisor's reviews of the task log. POST marks a supervisee's day (or every logged day of
    the week around `date`) reviewed, with a comment; the officer can no longer change those days."""

    serializer_class = ReviewSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TaskLogReview.objects.none()
        self.me()
        return _period_filtered(
            self.request, TaskLogReview.objects.order_by("-date", "officer_id"), self.access
        )

    def create(self, request):
        body = ReviewRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if not self.access.is_supervisor:
            raise PermissionDenied()
        officer = reach.supervisees(self.access).filter(pk=data["officer"]).first()
        if officer is None:
            raise NotFound()
        if data["period"] == "week":
            start, _end = services.week_of(data["date"])
            days = [start.fromordinal(start.toordinal() + n) for n in range(7)]
        else:
            days = [data["date"]]
        reviews = _service(
            services.review_task_log, self.access, officer, days, comment=data.get("comment", "")
        )
        return Response(ReviewSerializer(reviews, many=True).data, status=status.HTTP_201_CREATED)


# --- tasks ----------------------------------------------------------------------------------------


def _any_officer(access):
    # Any officer of the agency may be named: the service refuses those outside the person's reach
    # with `not_supervisee` (a clearer answer than "object does not exist").
    return Officer.objects.all()


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = TaskAttachment
        fields = ["id", "name", "size", "uploaded_by", "created_at", "url"]

    def get_url(self, attachment) -> str:
        return f"/tasks/attachments/{attachment.pk}/"


class TaskSerializer(serializers.ModelSerializer):
    assignees = ScopedPrimaryKey(
        many=True,
        queryset=Officer.objects.none(),
        queryset_fn=_any_officer,
        required=False,
        help_text="your supervisees (or yourself); empty: a task of your own",
    )
    is_overdue = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "title",
            "description",
            "due_date",
            "priority",
            "status",
            "is_overdue",
            "created_by",
            "assignees",
            "completed_at",
            "created_at",
            "updated_at",
            "attachments",
        ]
        read_only_fields = ["status", "created_by", "completed_at", "created_at", "updated_at"]

    def get_is_overdue(self, task) -> bool:
        return task.is_overdue()


class CommentSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name", read_only=True)

    class Meta:
        model = TaskComment
        fields = ["id", "author", "author_name", "body", "created_at"]
        read_only_fields = ["author", "created_at"]


class Transition(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)

    class Meta:
        ref_name = "TaskTransition"


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "scope",
                str,
                enum=["mine", "team", "created"],
                description="mine (default): assigned to you; team: your supervisees'; created: by you",
            ),
            OpenApiParameter(
                "officer", int, description="assigned to this officer (yourself or a supervisee)"
            ),
            OpenApiParameter("status", str, enum=Status.values),
            OpenApiParameter("priority", str, enum=Priority.values),
            OpenApiParameter("overdue", bool),
        ]
    )
)
class TaskViewSet(
    TasksViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """Papan Tugasan. A supervisor assigns tasks to supervisees (others: 400 `not_supervisee`); any
    officer creates their own. Status moves through `POST …/{id}/transition/`: baru → dalam_tindakan
    or selesai, dalam_tindakan → selesai (assignees), baru/dalam_tindakan → dibatalkan and
    selesai → dalam_tindakan (reopen) by the creator or a supervisor; anything else is 400
    `invalid_transition`. Tasks are cancelled, never deleted."""

    serializer_class = TaskSerializer
    parser_classes = [StrictJSONParser, FormParser, MultiPartParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Task.objects.none()
        self.me()
        qs = (
            reach.visible_tasks(self.access)
            .select_related("created_by")
            .prefetch_related("assignees", "attachments")
        )
        if self.action != "list":
            return qs.order_by("pk")
        params = self.request.query_params
        scope = params.get("scope", "mine")
        if (officer_id := _int_param(self.request, "officer")) is not None:
            if not reach.log_officers(self.access).filter(pk=officer_id).exists():
                raise NotFound()
            qs = qs.filter(assignees=officer_id)
        elif scope == "team":
            qs = qs.filter(
                pk__in=Task.objects.filter(assignees__in=reach.supervisee_ids(self.access)).values("pk")
            )
        elif scope == "created":
            qs = qs.filter(created_by=self.access.officer)
        else:
            qs = qs.filter(assignees=self.access.officer)
        if (s := params.get("status")) in Status.values:
            qs = qs.filter(status=s)
        if (p := params.get("priority")) in Priority.values:
            qs = qs.filter(priority=p)
        if params.get("overdue") == "true":
            from django.utils import timezone

            qs = qs.filter(status__in=[Status.NEW, Status.IN_PROGRESS], due_date__lt=timezone.localdate())
        return qs.order_by("due_date", "-pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = _service(
            services.create_task,
            self.access,
            title=data["title"],
            description=data.get("description", ""),
            due_date=data.get("due_date"),
            priority=data.get("priority", Priority.NORMAL),
            assignees=data.get("assignees", []),
        )

    def perform_update(self, serializer):
        task = serializer.instance
        data = serializer.validated_data
        serializer.instance = _service(
            services.update_task,
            self.access,
            task,
            title=data.get("title", task.title),
            description=data.get("description", task.description),
            due_date=data.get("due_date", task.due_date),
            priority=data.get("priority", task.priority),
            assignees=data.get("assignees", []),
        )

    @extend_schema(request=Transition, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        task = self.get_object()
        task = _service(services.transition, self.access, task, str(request.data.get("status", "")))
        return Response(self.get_serializer(Task.objects.get(pk=task.pk)).data)

    @extend_schema(methods=["GET"], responses=CommentSerializer(many=True))
    @extend_schema(methods=["POST"], request=CommentSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, pk=None):
        """Comments on the task; a new one notifies the assignees and the creator (not the author)."""
        task = self.get_object()
        if request.method == "GET":
            return Response(CommentSerializer(task.comments.select_related("author__user"), many=True).data)
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = _service(services.add_comment, self.access, task, body.validated_data["body"])
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "TaskAttachmentUpload", {"file": serializers.FileField()}
            )
        },
        responses={201: AttachmentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        """Attach a PDF, an image or an office document (at most 10 MB)."""
        task = self.get_object()
        upload = request.FILES.get("file")
        if upload is None:
            raise ApiValidationError({"file": "required"})
        attachment = _service(services.add_attachment, self.access, task, upload)
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
