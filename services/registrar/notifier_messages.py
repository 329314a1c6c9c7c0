"""The messages sent about a registration, asked of the notifier over HTTP
(GET {EDQUILL_NOTIFIER_URL}/api/messages?registration_id=N) with the signed-in person's own
token, so the notifier shows them their school's messages and nothing else.

The notifier owns its log; the registrar only shows it. A notifier that is down, slow or
answers with an error raises MessagesUnavailable, which the History tab puts into words.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

# A History tab waits at most this long for the notifier before saying it cannot answer.
TIMEOUT_SECONDS = 2.0
# The newest messages shown for one registration: far more than a registration ever gets.
MESSAGE_LIMIT = 50


class MessagesUnavailable(Exception):
    """The notifier did not give the list; the message says why, in words."""


def messages_for_registration(notifier_url: str, token: str, registration_id: int) -> list[dict]:
    """The registration's messages, newest first."""
    query = urllib.parse.urlencode({"registration_id": registration_id, "limit": MESSAGE_LIMIT})
    request = urllib.request.Request(f"{notifier_url.rstrip('/')}/api/messages?{query}",
                                     headers={"Accesstoken": token, "Accept": "application/json"})
    # The notifier is one of ours: never reached through a proxy from the environment.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return json.load(response)["messages"]
    except urllib.error.HTTPError as exc:
        raise MessagesUnavailable(f"the notifier answered {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError, KeyError, TypeError) as exc:
        reason = getattr(exc, "reason", exc)
        raise MessagesUnavailable(f"the notifier is not answering ({reason})") from None
