"""Movements fixtures: a Monday, movement values, uploaded files."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

MON = date(2025, 11, 17)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def values(**overrides) -> dict:
    base = dict(
        date=MON,
        whole_day=False,
        start_time=time(8, 0),
        end_time=time(12, 0),
        kind="meeting",
        place="Kompleks JPA Putrajaya",
        purpose="Mesyuarat Jawatankuasa Pendigitalan",
    )
    base.update(overrides)
    return base


def upload(name: str = "surat-jemputan.pdf", content: bytes = PDF, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def agency_schema(cast):
    with schema_context(cast.agency.schema_name):
        yield cast


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded attachments go to a temporary folder (still one folder per agency schema)."""
    settings.MEDIA_ROOT = tmp_path
