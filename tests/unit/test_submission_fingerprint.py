"""When two self-registration submissions count as the same (no database)."""

from datetime import date

from registrar.domain.submissions import gives_consent, submission_fingerprint

FORM = {
    "student_first_name": "Ada",
    "student_last_name": "Lovelace",
    "guardian_email": "byron@family.example",
    "date_of_birth": date(2015, 12, 10),
}


def test_the_same_fields_give_the_same_fingerprint():
    assert submission_fingerprint(FORM) == submission_fingerprint(dict(FORM))


def test_email_case_and_extra_blanks_do_not_matter():
    retyped = {**FORM, "guardian_email": "Byron@Family.example", "student_last_name": " Lovelace "}

    assert submission_fingerprint(retyped) == submission_fingerprint(FORM)


def test_any_other_difference_gives_another_fingerprint():
    assert submission_fingerprint({**FORM, "program": "Piano"}) != submission_fingerprint(FORM)


def test_an_absent_consent_is_the_same_as_no_consent():
    assert submission_fingerprint({**FORM, "consent_sms": False}) == submission_fingerprint(FORM)


def test_either_consent_counts_as_consent_given():
    assert gives_consent({"consent_sms": True})
    assert not gives_consent({"consent_email": False})
