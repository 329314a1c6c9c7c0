"""Developer tools, kept apart from the runtime library (shared/): `edquill up` (the whole
system on one machine), the local mail sink (`edquill mailsink`), the nginx gateway rendered
for a local run, the supervision of child processes both of them use, and RabbitMQ nodes of
our own joined into a cluster (`edquill cluster`).

Nothing here reads a service's tables: a tool that needs a service's data asks the service
(its HTTP API or its `edquill` command)."""
