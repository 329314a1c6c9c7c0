"""How the relay is started and asked: the `edquill outbox` commands."""
