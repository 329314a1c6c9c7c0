"""The family's answer on the exchange, published by a real relay: the status change back to
in_review, then selfreg.info.provided in the contract's envelope, without the family's words,
its files or its link."""

from __future__ import annotations

import io
import json
import uuid
from datetime import datetime, timezone

from registrar.adapters.document_files import DocumentFiles
from registrar.service_layer.family_answers import Upload, send_answer
from shared.family_links import FAMILY_LINK_LIFETIME, FamilyLink, sign_family_link
from shared.signing import KeyRing
from tests.support.factories import create_registration

FAMILY = "answering-family@example.com"
PDF = b"%PDF-1.4\n%%EOF\n"
WORDS = "The certificate is attached."


def test_an_answer_reaches_the_exchange_after_its_status_change(
    settings, registrar_db, selfreg_probe, relays, school_id, tmp_path
):
    relays()
    registration_id = create_registration(registrar_db, school_id, email=FAMILY)
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "UPDATE student_self_registrations SET status = 'needs_info', "
            "status_note = 'Send the certificate', version = version + 1 WHERE id = %s",
            (registration_id,),
        )
    registrar_db.commit()
    keys = KeyRing.of(settings)
    now = datetime.now(timezone.utc)
    token = sign_family_link(
        keys, FamilyLink(school_id, registration_id, FAMILY, now + FAMILY_LINK_LIFETIME)
    )
    sent = send_answer(
        registrar_db,
        DocumentFiles(tmp_path),
        keys,
        token,
        now,
        version=2,
        text=WORDS,
        uploads=[Upload(io.BytesIO(PDF), "certificate.pdf")],
    )

    (_, _submitted), (_, _asked), (_, back), (properties, provided) = selfreg_probe.take(4)

    assert back["payload"]["from_status"] == "needs_info"
    assert back["payload"]["to_status"] == "in_review"
    assert provided["event_type"] == "selfreg.info.provided"
    assert properties.message_id == provided["event_id"] and uuid.UUID(provided["event_id"])
    assert properties.delivery_mode == 2
    assert (provided["school_id"], provided["aggregate_id"]) == (school_id, registration_id)
    assert provided["aggregate_type"] == "self_registration"
    assert provided["payload"]["document_ids"] == sent.document_ids != []
    assert provided["payload"]["answered"] is True
    assert provided["payload"]["guardian_email"] == FAMILY
    assert provided["payload"]["language"] == "en"
    body = json.dumps(provided)
    assert WORDS not in body and "/family/" not in body and "certificate.pdf" not in body
