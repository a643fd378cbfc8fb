"""Queue names, in the order workers serve them. Transactional messages always come before bulk, and so do
the citizens' incoming messages (the bot's answers to them are transactional)."""

QUEUE_ZALO_TX = "zalo-tx"
QUEUE_ZALO_EVENTS = "zalo-events"  # batches of incoming webhook events (zalo/intake.py): citizens wait on them
QUEUE_ZALO_BULK = "zalo-bulk"
QUEUE_DEFAULT = "default"
QUEUE_MAINTENANCE = "maintenance"

ALL_QUEUES = (QUEUE_ZALO_TX, QUEUE_ZALO_EVENTS, QUEUE_ZALO_BULK, QUEUE_DEFAULT, QUEUE_MAINTENANCE)

# Jobs of these queues run in the worker's own process (jobs/worker.py): many small batch jobs a second (a
# burst of webhook events is hundreds of event batches, each answered within the citizen's wait).
IN_PROCESS_QUEUES = (QUEUE_ZALO_TX, QUEUE_ZALO_EVENTS, QUEUE_ZALO_BULK)
