"""The outbox relay: owns publishing t_event_outbox rows to RabbitMQ, the partition leases
(t_outbox_partition_lease, t_outbox_relay) and the operators' outbox commands.

domain/         ordering (which claimed rows may go out now: order per aggregate, back-off,
                holding back what comes after a dead event), messages (a row as an AMQP
                message), failures (a failed publish; NotDead)
adapters/       claim_store, settle_store, outbox_status_store, dead_event_store (the outbox
                table by responsibility), lease_store (which partitions this relay owns),
                publisher (one AMQP connection in confirm mode, a batch pipelined)
service_layer/  relay (the loop), claiming and settling (one batch each way), outbox_commands
                (status, reset-stuck, purge, dead list/replay/skip)
entrypoints/    cli (`edquill outbox ...`)
config          the relay's knobs (EDQUILL_RELAY_*, overridden by the worker's flags)
bootstrap       the worker's composition root: builds the Relay
metrics         the relay's Prometheus metrics
"""
