"""Notice vocabularies (docs/domain.md §8.1 InternalNotice, NĐ 30/2020 urgency and secrecy levels)."""

from flask_babel import lazy_gettext as _l

KIND_INCOMING, KIND_APPROVAL, KIND_MEETING = "incoming_document", "awaiting_approval", "meeting"
KIND_DOSSIER_DUE, KIND_FEEDBACK_DUE = "dossier_near_due", "feedback_near_due"
KIND_GO_LIVE, KIND_BROADCAST_APPROVAL = "go_live_decision", "broadcast_to_approve"  # to admins (team_notices.py)
PLATFORM_SOURCE = "motcua"  # the source_system of the notices the platform makes itself
KIND_LABELS = {
    KIND_INCOMING: _l("Incoming document to handle"),
    KIND_APPROVAL: _l("Document awaiting approval"),
    KIND_MEETING: _l("Meeting"),
    KIND_DOSSIER_DUE: _l("Dossier near its due date"),
    KIND_FEEDBACK_DUE: _l("Feedback near its deadline"),
    KIND_GO_LIVE: _l("Go-live decision"),
    KIND_BROADCAST_APPROVAL: _l("Policy news to approve"),
}

# Urgency (độ khẩn): normal, urgent, very urgent, express. The last two are re-sent while unacknowledged.
URGENCY_NORMAL, URGENCY_URGENT, URGENCY_VERY_URGENT, URGENCY_EXPRESS = "thuong", "khan", "thuong_khan", "hoa_toc"
URGENCY_LABELS = {
    URGENCY_NORMAL: _l("Normal"),
    URGENCY_URGENT: _l("Urgent (Khẩn)"),
    URGENCY_VERY_URGENT: _l("Very urgent (Thượng khẩn)"),
    URGENCY_EXPRESS: _l("Express (Hỏa tốc)"),
}

# Secrecy (độ mật): a secret document's content never goes to Zalo, only "you have N secret documents".
SECRECY_NONE, SECRECY_CONFIDENTIAL, SECRECY_SECRET, SECRECY_TOP_SECRET = "", "mat", "toi_mat", "tuyet_mat"
SECRECY_LABELS = {
    SECRECY_NONE: _l("Not secret"),
    SECRECY_CONFIDENTIAL: _l("Confidential (Mật)"),
    SECRECY_SECRET: _l("Secret (Tối mật)"),
    SECRECY_TOP_SECRET: _l("Top secret (Tuyệt mật)"),
}

# CREATED -> SENT -> READ -> ACKNOWLEDGED -> DONE
CREATED, SENT, READ, ACKNOWLEDGED, DONE = "created", "sent", "read", "acknowledged", "done"
STATUS_LABELS = {CREATED: _l("Created"), SENT: _l("Sent"), READ: _l("Read"),
                 ACKNOWLEDGED: _l("Acknowledged"), DONE: _l("Done")}

# Positions of officials (docs/domain.md §8.1 Official.role).
POSITIONS = {
    "van_thu": _l("Clerk (văn thư)"),
    "lanh_dao": _l("Leader (lãnh đạo)"),
    "chuyen_vien": _l("Specialist (chuyên viên)"),
    "mot_cua": _l("One-stop desk (một cửa)"),
}

OPEN_STATUSES = (CREATED, SENT, READ)  # not yet acknowledged: counted in digests, re-sent when urgent

# Re-sending (NĐ 30/2020: urgent documents are passed on immediately): while unacknowledged, a notice of these
# urgencies is sent again after this many minutes, at most MAX_RESENDS times after the first message.
RESEND_MINUTES = {URGENCY_EXPRESS: 15, URGENCY_VERY_URGENT: 30}
MAX_RESENDS = 8

# Notices the platform writes itself about dossiers close to their appointment, for the one-stop desk.
POSITION_ONE_STOP = "mot_cua"
NEAR_DUE_HOURS = 24  # calendar hours before the appointment (a working-day calendar can replace this later)
EVENT_KIND = "official_notice"  # the outbox notification's event_kind for every message to an official
DIGEST_EVENT_KIND = "official_digest"
