"""Queue names, in the order workers serve them. Transactional messages always come before bulk."""

QUEUE_ZALO_TX = "zalo-tx"
QUEUE_ZALO_BULK = "zalo-bulk"
QUEUE_DEFAULT = "default"
QUEUE_MAINTENANCE = "maintenance"

ALL_QUEUES = (QUEUE_ZALO_TX, QUEUE_ZALO_BULK, QUEUE_DEFAULT, QUEUE_MAINTENANCE)

# Jobs of these queues run in the worker's own process (jobs/worker.py): many small batch jobs a second.
IN_PROCESS_QUEUES = (QUEUE_ZALO_TX, QUEUE_ZALO_BULK)
