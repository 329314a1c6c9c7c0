"""The outbox relay: claims t_event_outbox rows and publishes them to RabbitMQ.

ordering  which claimed rows may go out now (pure rules: order per aggregate, back-off,
          holding back what comes after a dead event)
store     the outbox table: claim, mark processed, record failures, park dead, hold, replay
          and skip dead events, status, purge
leases    which partitions of the outbox this relay owns, shared fairly between live relays
publisher one AMQP connection in confirm mode that publishes a whole batch pipelined
config    the relay's knobs (EDQUILL_RELAY_*, overridden by the worker's flags)
relay     the loop that ties them together; bootstrap builds it; cli exposes `edquill outbox`
"""
