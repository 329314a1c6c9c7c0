"""The read replica's router: when lag-tolerant reads may go to the replica, how often its lag
is checked, and the replica's settings."""

from __future__ import annotations

import pymysql
import pytest

from shared.config import Settings
from shared.config_error import ConfigError
from shared.read_replica import (
    LAG_CHECK_EVERY_SECONDS,
    ReplicaRouter,
    is_lag_tolerant,
    lag_tolerant,
    replica_lag_seconds,
)

RUNNING = {"Slave_IO_Running": "Yes", "Slave_SQL_Running": "Yes", "Seconds_Behind_Master": 2}


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class ReplicaStatus:
    """What SHOW SLAVE STATUS answers, and how many times it was asked."""

    def __init__(self, answer):
        self.answer, self.asked = answer, 0

    def __call__(self):
        self.asked += 1
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def router(status: ReplicaStatus, clock: Clock, max_lag: float = 5) -> ReplicaRouter:
    return ReplicaRouter("kpi", max_lag, status, clock)


def test_a_running_replica_reports_its_seconds_behind():
    assert replica_lag_seconds(RUNNING) == 2.0


@pytest.mark.parametrize(
    "status",
    [
        None,
        {**RUNNING, "Slave_SQL_Running": "No", "Seconds_Behind_Master": None},
        {**RUNNING, "Slave_IO_Running": "Connecting"},
        {**RUNNING, "Seconds_Behind_Master": None},
    ],
)
def test_a_replica_not_replicating_has_no_known_lag(status):
    assert replica_lag_seconds(status) is None


def test_mysql_8_spelling_is_read_too():
    status = {"Replica_IO_Running": "Yes", "Replica_SQL_Running": "Yes", "Seconds_Behind_Source": 1}
    assert replica_lag_seconds(status) == 1.0


def test_reads_go_to_the_replica_within_the_lag_bound():
    assert router(ReplicaStatus(RUNNING), Clock()).replica_usable()


def test_reads_leave_a_replica_over_the_lag_bound():
    lagging = ReplicaStatus({**RUNNING, "Seconds_Behind_Master": 6})
    assert not router(lagging, Clock(), max_lag=5).replica_usable()


def test_reads_leave_an_unreachable_replica():
    down = ReplicaStatus(pymysql.err.OperationalError(2003, "Can't connect"))
    assert not router(down, Clock()).replica_usable()


def test_the_lag_is_checked_once_a_second_not_per_read():
    status, clock = ReplicaStatus(RUNNING), Clock()
    replicas = router(status, clock)
    for _ in range(5):
        replicas.replica_usable()
    assert status.asked == 1
    clock.now += LAG_CHECK_EVERY_SECONDS
    replicas.replica_usable()
    assert status.asked == 2


def test_a_read_that_failed_on_the_replica_keeps_reads_off_it_until_the_next_check():
    status, clock = ReplicaStatus(RUNNING), Clock()
    replicas = router(status, clock)
    assert replicas.replica_usable()
    replicas.replica_failed(pymysql.err.OperationalError(2013, "Lost connection"))
    assert not replicas.replica_usable()
    clock.now += LAG_CHECK_EVERY_SECONDS
    assert replicas.replica_usable()


def test_only_marked_use_cases_are_lag_tolerant():
    @lag_tolerant
    def report(connection):
        return connection

    def workspace(connection):
        return connection

    assert is_lag_tolerant(report) and not is_lag_tolerant(workspace)


def test_no_replica_url_means_no_router():
    assert ReplicaRouter.for_settings(Settings(), "kpi") is None


def test_the_replica_settings_are_read_from_the_environment():
    settings = Settings.from_env(
        {
            "EDQUILL_ENV": "development",
            "EDQUILL_MYSQL_REPLICA_URL": "mysql://root@127.0.0.1:3307",
            "EDQUILL_REPLICA_MAX_LAG_S": "2.5",
        }
    )
    assert settings.mysql_replica.port == 3307 and settings.replica_max_lag_seconds == 2.5


@pytest.mark.parametrize(
    "variable, value",
    [
        ("EDQUILL_MYSQL_REPLICA_URL", "postgres://127.0.0.1"),
        ("EDQUILL_MYSQL_REPLICA_URL", "mysql://127.0.0.1:3307/edquill_kpi"),
        ("EDQUILL_REPLICA_MAX_LAG_S", "soon"),
        ("EDQUILL_REPLICA_MAX_LAG_S", "-1"),
    ],
)
def test_a_bad_replica_setting_names_its_variable(variable, value):
    with pytest.raises(ConfigError, match=variable):
        Settings.from_env({"EDQUILL_ENV": "development", variable: value})
