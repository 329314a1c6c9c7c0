"""What the relay does: the publishing loop, and the operators' outbox commands."""
