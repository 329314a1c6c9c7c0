"""deploy/mysql/edquill.cnf names only options the real server knows: a server refuses to
start on one it does not (an option only MySQL 5.7 or only MariaDB has must stay a comment)."""

from __future__ import annotations

import configparser

import pytest

from shared import db
from shared.paths import ROOT

SERVER_SETTINGS = ROOT / "deploy" / "mysql" / "edquill.cnf"
# Options whose server variable has another name.
VARIABLE_OF = {"default_time_zone": "time_zone"}


def server_options() -> list[str]:
    parser = configparser.ConfigParser(allow_no_value=True, strict=False)
    parser.read_string(SERVER_SETTINGS.read_text())
    return [option.replace("-", "_") for option in parser["mysqld"]]


@pytest.mark.parametrize("option", server_options())
def test_every_option_is_a_variable_of_the_server(settings, option):
    connection = db.connect(settings)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW GLOBAL VARIABLES LIKE %s", (VARIABLE_OF.get(option, option),))
            found = cursor.fetchall()
    finally:
        connection.close()

    assert found, f"{option} is not a variable of this server"
