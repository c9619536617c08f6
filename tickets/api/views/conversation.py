"""A case's comments, files (upload and download) and history of events."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from helpdesk.api.base import ApiRequest, ScopedAPIView
from helpdesk.api.serializers import ErrorSerializer
from tickets import services
from tickets.api import serializers as s
from tickets.api.views._shared import ERRORS
from tickets.selectors import attachment_for_download, case_comments, case_events, case_get


class CaseCommentsView(ScopedAPIView):
    @extend_schema(operation_id="cases_comments_list", responses={200: s.CommentSerializer(many=True), **ERRORS})
    def get(self, request: ApiRequest, number: str) -> Response:
        case = case_get(scope=request.scope, number=number)
        return Response(s.CommentSerializer(case_comments(scope=request.scope, case=case), many=True).data)

    @extend_schema(
        operation_id="cases_comments_create",
        request=s.CommentSerializer,
        responses={201: s.CommentSerializer, **ERRORS},
    )
    def post(self, request: ApiRequest, number: str) -> Response:
        case = case_get(scope=request.scope, number=number)
        body = s.CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = services.comment_add(
            case=case,
            actor=request.user,
            body=body.validated_data["body"],
            public=body.validated_data["is_public"],
            channel="api",
        )
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CaseAttachmentsView(ScopedAPIView):
    parser_classes = [MultiPartParser]  # the one body that carries a file

    @extend_schema(operation_id="cases_attachments_list", responses={200: s.AttachmentSerializer(many=True), **ERRORS})
    def get(self, request: ApiRequest, number: str) -> Response:
        case = case_get(scope=request.scope, number=number)
        files = case.attachments.for_tenant(request.scope.tenant)
        if request.scope.is_merchant:
            files = files.filter(is_public=True)
        return Response(s.AttachmentSerializer(files, many=True).data)

    @extend_schema(
        operation_id="cases_attachments_create",
        request={"multipart/form-data": s.AttachmentUploadSerializer},
        responses={201: s.AttachmentSerializer, **ERRORS, 413: ErrorSerializer},
        description=(
            "Images (PNG, JPEG, GIF), PDF or UTF-8 text, judged by content; up to the size limit. "
            "A body over the limit is refused with 413 before it is read."
        ),
    )
    def post(self, request: ApiRequest, number: str) -> Response:
        case = case_get(scope=request.scope, number=number)
        body = s.AttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            case=case,
            actor=request.user,
            file=body.validated_data["file"],
            public=body.validated_data["public"],
        )
        return Response(s.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentDownloadView(ScopedAPIView):
    """The file's bytes, always as application/octet-stream with its name in Content-Disposition:
    its own type is the attachment's `content_type` in the case's list. (Served as its own type, an
    image/png answered an operation documented as octet-stream, which the stateful schemathesis run
    of `make test-fuzz` found; `*/*` in the schema would drop the download from generated clients.)
    The pages' download (tickets.views) serves the file as its own type, for browsers."""

    @extend_schema(
        operation_id="attachments_download",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **ERRORS},
    )
    def get(self, request: ApiRequest, token: str) -> FileResponse:
        attachment = attachment_for_download(scope=request.scope, token=token)
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.filename,
            content_type="application/octet-stream",
        )


class CaseEventsView(ScopedAPIView):
    @extend_schema(operation_id="cases_events_list", responses={200: s.EventSerializer(many=True), **ERRORS})
    def get(self, request: ApiRequest, number: str) -> Response:
        case = case_get(scope=request.scope, number=number)
        return Response(
            s.EventSerializer(case_events(scope=request.scope, case=case).select_related("case"), many=True).data
        )
