"""Sign-in counter names and password-hash costs (registrar.domain; no database)."""

from __future__ import annotations

from registrar.domain.password_cost import OWASP_SCRYPT, ScryptCost, cost_of, needs_rehash
from registrar.domain.sign_in_names import account_bucket, folded_email


def test_case_and_accents_fold_to_one_address():
    assert folded_email("Ádmin@Schóol.example") == folded_email("admin@school.example")


def test_full_width_and_compatibility_characters_fold_to_their_plain_forms():
    assert folded_email("ＡＤＭＩＮ@school.example") == "admin@school.example"


def test_folding_casefolds_rather_than_lowercases():
    assert folded_email("STRAßE@school.example") == folded_email("strasse@school.example")


def test_surrounding_spaces_do_not_count():
    assert folded_email("  admin@school.example ") == "admin@school.example"


def test_different_addresses_stay_different():
    assert folded_email("adam@school.example") != folded_email("admin@school.example")


def test_an_accounts_failures_count_under_its_id_whatever_the_spelling():
    assert account_bucket(42, "Ádmin@school.example") == account_bucket(42, "ADMIN@x.example")
    assert account_bucket(42, "admin@school.example") == "login:user:42"


def test_unknown_addresses_that_fold_alike_share_a_bucket_without_the_address_in_clear():
    bucket = account_bucket(None, "Nobody@School.example")

    assert bucket == account_bucket(None, "nóbody@school.example")
    assert bucket.startswith("login:email:") and "nobody" not in bucket.lower()
    assert len(bucket) <= 190  # t_rate_limit.bucket


def test_the_production_cost_is_owasps_scrypt():
    assert (OWASP_SCRYPT.n, OWASP_SCRYPT.r, OWASP_SCRYPT.p) == (2**17, 8, 1)
    assert OWASP_SCRYPT.method == "scrypt:131072:8:1"


def test_a_hash_tells_its_cost():
    assert cost_of("scrypt:32768:8:1$salt$abc") == ScryptCost(32768, 8, 1)


def test_a_cheaper_hash_needs_rehashing():
    assert needs_rehash("scrypt:32768:8:1$salt$abc", OWASP_SCRYPT)


def test_a_hash_at_the_cost_or_above_is_kept():
    assert not needs_rehash("scrypt:131072:8:1$salt$abc", OWASP_SCRYPT)
    assert not needs_rehash("scrypt:262144:8:1$salt$abc", OWASP_SCRYPT)


def test_a_hash_of_another_method_or_unreadable_parameters_needs_rehashing():
    assert needs_rehash("pbkdf2:sha256:600000$salt$abc", OWASP_SCRYPT)
    assert needs_rehash("scrypt$salt$abc", OWASP_SCRYPT)
    assert needs_rehash("scrypt:many:8:1$salt$abc", OWASP_SCRYPT)
