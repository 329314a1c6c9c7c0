"""What a registration document may be: its type from its bytes, and a harmless name."""

from __future__ import annotations

import pytest

from registrar.domain.documents import display_filename, sniff_content_type


@pytest.mark.parametrize(
    "head, content_type",
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    ],
)
def test_accepted_types_are_recognised_by_their_first_bytes(head, content_type):
    assert sniff_content_type(head) == content_type


@pytest.mark.parametrize(
    "head", [b"", b"GIF89a", b"MZ\x90\x00", b"<html>", b"PK\x03\x04", b" %PDF-1.7"]
)
def test_anything_else_is_not_recognised(head):
    assert sniff_content_type(head) is None


def test_a_file_name_loses_its_path():
    assert display_filename("../../etc/passwd.pdf", "application/pdf") == "passwd.pdf"


def test_a_windows_path_is_dropped_too():
    assert display_filename("C:\\Users\\ada\\scan.png", "image/png") == "scan.png"


def test_odd_characters_become_underscores():
    assert display_filename('report<script>".pdf', "application/pdf") == "report_script_.pdf"


def test_a_missing_name_gets_one_from_the_type():
    assert display_filename(None, "image/jpeg") == "document.jpg"


def test_a_name_of_dots_only_gets_one_from_the_type():
    assert display_filename("...", "application/pdf") == "document.pdf"


def test_long_names_are_cut_short():
    assert len(display_filename("a" * 500 + ".pdf", "application/pdf")) == 200
