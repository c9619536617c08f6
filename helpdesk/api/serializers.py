"""Shapes every app's API shares: the one error answer."""

from __future__ import annotations

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """Every error answer."""

    message = serializers.CharField()
    # Documents the error body (drf-spectacular) and is never validated, so the name may shadow Serializer.errors.
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))  # type: ignore[assignment]
