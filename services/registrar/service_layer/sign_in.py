"""Staff sign-in: e-mail and password in, a school-scoped token out; what a token stands for.

Failed attempts are limited twice, both counted in MySQL (registrar.adapters.throttle_store):
  - per account: after ACCOUNT_FAILURES.max_hits failures the account is locked for the rest
    of the window, even for the right password. The counter is the account's (its id), so
    every spelling the database matches to the account shares it; an e-mail with no account
    counts under its folded form (registrar.domain.sign_in_names);
  - per client address: after ADDRESS_FAILURES.max_hits failures from one address, every
    sign-in from it is refused for the rest of the window.
An attempt is counted before the password is checked (parallel guesses cannot slip past the
limit) and forgiven when it succeeds; success also clears the account's count, and remakes a
password hash made at a lower cost than users_store.PASSWORD_COST.
"""

from __future__ import annotations

from datetime import timedelta

from registrar.adapters import throttle_store, users_store
from registrar.adapters.schools_store import school_by_id
from registrar.adapters.throttle_store import Limit
from registrar.adapters.tokens_store import Principal, issue_token
from registrar.domain.sign_in_names import account_bucket
from shared.errors import Unauthenticated

# Five guesses per quarter hour per account: a person who mistypes is not stopped, a guesser
# gets 480 tries a day at most.
ACCOUNT_FAILURES = Limit(max_hits=5, window_seconds=15 * 60)
# An office behind one address has several people; a guesser spraying many accounts from one
# address is stopped after this many failures.
ADDRESS_FAILURES = Limit(max_hits=20, window_seconds=15 * 60)
# A working day: staff sign in each morning; a lost token stops working by the next.
SIGN_IN_TOKEN_TTL = timedelta(hours=12)


class InvalidCredentials(Unauthenticated):
    code = "invalid_credentials"

    def __init__(self):
        super().__init__("the e-mail or the password is wrong")


def sign_in(connection, email: str, password: str, address: str) -> str:
    """A new token for the account; raises InvalidCredentials or throttle_store.Throttled."""
    account = users_store.stored_account(connection, email)
    account_failures = account_bucket(account.user.id if account else None, email)
    address_failures = f"login:address:{address}"
    for bucket, limit in (
        (address_failures, ADDRESS_FAILURES),
        (account_failures, ACCOUNT_FAILURES),
    ):
        window = throttle_store.count_hit(connection, bucket, limit)
        if window.hits > limit.max_hits:
            raise throttle_store.Throttled(
                "too many failed sign-ins; try again later", window.retry_after
            )
    user = users_store.authenticate(account, password)
    if user is None:
        raise InvalidCredentials()
    throttle_store.clear(connection, account_failures)
    throttle_store.forgive_hit(connection, address_failures)
    users_store.rehash_if_weaker(connection, account, password)
    users_store.record_sign_in(connection, user)
    return issue_token(
        connection,
        user.school_id,
        user.role,
        label="sign-in",
        user_id=user.id,
        ttl=SIGN_IN_TOKEN_TTL,
    )


def who_is(connection, principal: Principal) -> dict:
    """What a token stands for: its school, role and (for a signed-in person) account."""
    return {
        "school": school_by_id(connection, principal.school_id),
        "role": principal.role,
        "user": users_store.account_of(connection, principal),
    }
