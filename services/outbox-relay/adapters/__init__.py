"""The relay's doors to the outside: the outbox tables (*_store, MySQL) and the broker
(publisher, AMQP with confirms)."""
