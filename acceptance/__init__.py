"""`edquill acceptance`: the acceptance checklist, measured against a running system.

It asks the services over HTTP as a registrar would, and reads what no API shows (migrations,
triggers, the outbox, the consumers' inboxes, the broker's queues) through the services' own
stores and the runtime library. It sits above the services, like the tests: it may import
any of them, and nothing imports it.
"""
