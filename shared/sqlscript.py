"""Split a mysql-client script (with DELIMITER lines) into statements a driver can run.

Trigger bodies hold semicolons, so scripts meant for `mysql DB < file` switch the delimiter;
drivers know nothing of DELIMITER, which is a client command. This reads the same files.
"""

from __future__ import annotations


def split_statements(script: str) -> list[str]:
    statements: list[str] = []
    delimiter = ";"
    buffer: list[str] = []
    for line in script.splitlines():
        stripped = line.strip()
        if stripped.upper().startswith("DELIMITER "):
            _flush(buffer, delimiter, statements)
            delimiter = stripped.split(None, 1)[1]
            continue
        if not buffer and (not stripped or stripped.startswith("--")):
            continue
        buffer.append(line)
        if stripped.endswith(delimiter):
            _flush(buffer, delimiter, statements)
    _flush(buffer, delimiter, statements)
    return statements


def _flush(buffer: list[str], delimiter: str, statements: list[str]) -> None:
    text = "\n".join(buffer).strip()
    buffer.clear()
    if text.endswith(delimiter):
        text = text[: -len(delimiter)].rstrip()
    if text:
        statements.append(text)
