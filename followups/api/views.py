from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import User
from audit.services import audit_read, audit_read_many
from core.api.permissions import require_perms
from followups import selectors, services
from followups.api.serializers import (
    CompleteInputSerializer,
    TaskFilterSerializer,
    TaskInputSerializer,
    TaskSerializer,
)
from referrals.selectors import cases_visible_to, citizens_visible_to


def _bad(field: str, message: str) -> Response:
    return Response({field: [message]}, status=status.HTTP_400_BAD_REQUEST)


class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Follow-up tasks: the caller's own by default; others' on the caller's teams on request."""

    serializer_class = TaskSerializer
    permission_classes = [require_perms("followups.view_task")]

    def get_permissions(self):
        if self.action == "create":
            return [require_perms("followups.add_task")()]
        if self.action == "complete":
            return [require_perms("followups.change_task")()]
        return super().get_permissions()

    def get_queryset(self):
        return selectors.tasks_visible_to(user=self.request.user).select_related("assignee")

    @extend_schema(parameters=[TaskFilterSerializer])
    def list(self, request, *args, **kwargs):
        filters = TaskFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        assignee = data.get("assignee")
        tasks = selectors.task_list(
            user=request.user,
            assignee_id=assignee if isinstance(assignee, int) else None,
            everyone=assignee == "all",
            case_id=data.get("case"),
            citizen_id=data.get("citizen"),
            kind=data.get("kind", ""),
            status=data["status"],
            due_after=data.get("due_after"),
            due_before=data.get("due_before"),
        )
        page = self.paginate_queryset(tasks)
        audit_read_many(actor=request.user, objs=page, request=request)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        task = self.get_object()
        audit_read(actor=request.user, obj=task, request=request)
        return Response(self.get_serializer(task).data)

    @extend_schema(
        request={"application/json": TaskInputSerializer}, responses={201: TaskSerializer}
    )
    def create(self, request, *args, **kwargs):
        serializer = TaskInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = citizen = None
        if data["case"]:
            case = cases_visible_to(user=request.user).select_related("citizen", "team")
            case = case.filter(pk=data["case"]).first()
            if case is None:
                return _bad("case", _("No case you may see has this id."))
            citizen = case.citizen
        else:
            citizen = citizens_visible_to(user=request.user).filter(pk=data["citizen"]).first()
            if citizen is None:
                return _bad("citizen", _("No citizen you may see has this id."))
            case = selectors.open_case_for(user=request.user, citizen=citizen)
        assignee = None
        if data["assignee"] is not None:
            assignee = User.objects.filter(pk=data["assignee"], is_active=True).first()
            if assignee is None:
                return _bad("assignee", _("No active user has this id."))
        task = services.task_create_by_hand(
            actor=request.user,
            citizen=citizen,
            case=case,
            assignee=assignee,
            kind=data["kind"],
            due=data["due"],
            note=data["note"],
        )
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CompleteInputSerializer, responses={200: TaskSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request, *args, **kwargs):
        """Mark the task done, with an optional outcome. Done twice, the first completion stands."""
        task = self.get_object()
        serializer = CompleteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task = services.task_complete(
            task=task, actor=request.user, outcome=serializer.validated_data["outcome"]
        )
        return Response(TaskSerializer(task).data)
