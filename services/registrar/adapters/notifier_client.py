"""The messages sent about a registration, asked of the notifier over HTTP
(GET {EDQUILL_NOTIFIER_URL}/api/messages?registration_id=N) with the signed-in person's own
token, so the notifier shows them their school's messages and nothing else.

The notifier owns its log; the registrar only shows it. A notifier that is down, slow or
answers with an error raises MessagesUnavailable, which the History tab puts into words.
"""

from __future__ import annotations

from shared.service_client import ServiceRefused, ServiceUnavailable, get_json

# A History tab waits at most this long for the notifier before saying it cannot answer.
TIMEOUT_SECONDS = 2.0
# The newest messages shown for one registration: far more than a registration ever gets.
MESSAGE_LIMIT = 50


class MessagesUnavailable(Exception):
    """The notifier did not give the list; the message says why, in words."""


def messages_for_registration(notifier_url: str, token: str, registration_id: int) -> list[dict]:
    """The registration's messages, newest first."""
    try:
        answer = get_json(
            notifier_url,
            "/api/messages",
            token=token,
            timeout=TIMEOUT_SECONDS,
            query={"registration_id": registration_id, "limit": MESSAGE_LIMIT},
        )
    except ServiceRefused as exc:
        raise MessagesUnavailable(f"the notifier answered {exc.status}") from None
    except ServiceUnavailable as exc:
        raise MessagesUnavailable(f"the notifier is not answering ({exc.reason})") from None
    try:
        return answer["messages"]
    except (KeyError, TypeError) as exc:
        raise MessagesUnavailable(f"the notifier is not answering ({exc})") from None
