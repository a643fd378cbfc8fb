"""Every registration the app makes, in one place: blueprints, CLI groups, and the hooks by which features
plug into the platform layers below them (Zalo event handlers, bot commands, delivery screens and renderers,
listeners of dossier events, receipts, links and forwarded feedback). Nothing registers itself on import:
what is not listed here does not happen (docs/architecture.md, "Wiring").

`register_hooks` fills module-level registries, so it runs once per process, whichever app is created first
(the tests create several).
"""

from flask import Flask

from platform_core.audit.service import record_cross_tenant, record_platform_event
from platform_core.bot import handler as bot_handler
from platform_core.bot import welcome
from platform_core.bot.commands import register_command
from platform_core.citizens import bot as citizens_bot
from platform_core.citizens import consent as citizens_consent
from platform_core.citizens import records as citizen_records
from platform_core.citizens import screen as citizens_screen
from platform_core.db import cross_tenant, rotation
from platform_core.delivery import pump, receipts, trial
from platform_core.delivery.renderers import register_renderer
from platform_core.delivery.screens import register_screen
from platform_core.dossiers.service import on_event_recorded
from platform_core.feedback import bot as feedback_bot
from platform_core.feedback.service import on_forwarded
from platform_core.notices.kinds import MESSAGE_KINDS
from platform_core.notices.renderer import DOSSIER_NOTICE
from platform_core.notices.service import notify_dossier_event
from platform_core.officials import bot as officials_bot
from platform_core.officials import forwarding as officials_forwarding
from platform_core.officials import service as officials_service
from platform_core.ratings import bot as ratings_bot
from platform_core.ratings import invitations as rating_invitations
from platform_core.ratings import records as rating_records
from platform_core.ratings import zns as ratings_zns
from platform_core.registrations import bot as registrations_bot
from platform_core.registrations import records as registration_records
from platform_core.results import bot as results_bot
from platform_core.results import storage as result_storage
from platform_core.results.constants import EVENT_KIND as RESULT_KIND
from platform_core.results.renderer import RESULT as RESULT_MESSAGE
from platform_core.tenancy import service as tenancy_service
from platform_core.zalo import events as zalo_events
from platform_core.zalo import intake as zalo_intake
from platform_core.zalo import staff_link

# What the OA does with a citizen's text: asked in this order (lower first); the first that answers wins and
# the lookup bot answers whatever none claims (bot/commands.py).
BOT_COMMANDS = (
    (5, "citizens_stop", citizens_bot.answer_stop),  # "dừng" stops everything, before anything else reads it
    (6, "citizens_consent", citizens_bot.answer_consent),
    (20, "official_notice_ack", officials_bot.answer_acknowledgement),
    (30, "feedback", feedback_bot.answer),
    (40, "rating", ratings_bot.answer_rating),
    (45, "appointment_cancel", registrations_bot.answer_cancel),  # "hủy lịch hẹn DK-…": the citizen's own
    (50, "registration", registrations_bot.answer),  # "đăng ký kết hôn": requirements and the form's link
    (60, "result_link", results_bot.answer_with_link),  # a dossier code from its applicant: status and result
)

# Zalo webhook events handled outside zalo/ (zalo/events.py handles follow, receipts and shared info itself).
ZALO_EVENT_HANDLERS = (
    (bot_handler.TEXT_EVENT, bot_handler.on_citizen_text),
    ("user_send_image", feedback_bot.on_image),
    ("user_withdraw", citizens_bot.on_user_withdraw),
    (ratings_zns.FEEDBACK_EVENT, ratings_zns.on_user_feedback),
)

# What a batch of Zalo events will read, read for all its events at once before they run (zalo/events.py
# reads the followers itself; db/batch_facts.py).
ZALO_BATCH_LOADERS = (citizens_consent.remember_standings, bot_handler.remember_batch, welcome.remember_batch)

# Who may not be sent a message (delivery/screens.py), asked in `order`: trial first, so that its refusal
# does not use up the day's cap.
SCREENS = (
    ("trial", trial.write_refusal, trial.refusal, trial.EXPLANATIONS, 10),
    ("citizens", citizens_screen.write_refusal, citizens_screen.refusal, citizens_screen.EXPLANATIONS, 20),
)
# The same screens' batch forms, for the sender's batches (a few queries for hundreds of deliveries).
SCREEN_BATCH_FORMS = {"trial": trial.refusals, "citizens": citizens_screen.refusals}

# Listeners of a recorded dossier event, in this order: the citizen's notice, then the rating invitation.
DOSSIER_EVENT_LISTENERS = (notify_dossier_event, rating_invitations.invite_on_return)

# What other features hold about a citizen, in the order a data export lists it (citizens/records.py):
# (name, export, erase or None when the rows are kept as they are).
CITIZEN_RECORDS = (
    ("rating_invitations", rating_records.export_invitations, rating_records.erase_invitations),
    ("ratings", rating_records.export_ratings, None),
    ("registrations", registration_records.export_registrations, registration_records.erase_registrations),
)

_hooks_registered = False


def register_hooks() -> None:
    global _hooks_registered
    if _hooks_registered:
        return
    _hooks_registered = True
    cross_tenant.on_access(record_cross_tenant)
    tenancy_service.on_audited_change(record_platform_event)
    for order, name, command in BOT_COMMANDS:
        register_command(name, command, order=order)
    for event_name, event_handler in ZALO_EVENT_HANDLERS:
        zalo_events.register_handler(event_name, event_handler)
    for loader in ZALO_BATCH_LOADERS:
        zalo_events.on_batch(loader)
    for name, at_write, at_send, explanations, order in SCREENS:
        register_screen(name, at_write, at_send, explanations=explanations, order=order,
                        at_send_many=SCREEN_BATCH_FORMS.get(name))
    register_renderer(MESSAGE_KINDS, DOSSIER_NOTICE)
    register_renderer([RESULT_KIND], RESULT_MESSAGE)
    rotation.register_files("result_files", result_storage.rotate_all)
    for listener in DOSSIER_EVENT_LISTENERS:
        on_event_recorded(listener)
    zalo_events.on_followed(welcome.send_welcome)
    zalo_events.on_receipt(receipts.apply_receipt)
    pump.on_tick(zalo_intake.tick, on_start=zalo_intake.start)  # the pump's leader claims webhook events too
    receipts.on_delivery_seen(officials_bot.mark_notice_read)
    staff_link.on_linked(officials_service.send_waiting)
    on_forwarded(officials_forwarding.notify_forwarded, audience=officials_forwarding.audience_size)
    for name, export, erase in CITIZEN_RECORDS:
        citizen_records.register_records(name, export, erase)


def register_blueprints(app: Flask) -> None:
    from platform_core.api import api_v1
    from platform_core.api.docs import api_docs_bp
    from platform_core.apikeys.views import apikeys_admin_bp
    from platform_core.auth.views import auth_bp
    from platform_core.broadcasts.views import broadcasts_admin_bp
    from platform_core.catalogue.views import catalogue_admin_bp
    from platform_core.citizens.views import citizens_admin_bp
    from platform_core.console.deliveries import deliveries_admin_bp
    from platform_core.console.guest_list import guest_list_bp
    from platform_core.console.views import console_bp
    from platform_core.dashboard.views import reports_bp
    from platform_core.feedback.public import feedback_public_bp
    from platform_core.feedback.views import feedback_admin_bp
    from platform_core.frontdoor.views import province_bp
    from platform_core.health.views import health_bp
    from platform_core.mergers.views import mergers_bp
    from platform_core.notices.views import templates_admin_bp
    from platform_core.officials.views import officials_admin_bp
    from platform_core.onboarding.logo import tenant_logo_bp
    from platform_core.onboarding.views import onboarding_bp
    from platform_core.operator.views import operator_bp
    from platform_core.ratings.public import ratings_public_bp
    from platform_core.ratings.views import ratings_admin_bp
    from platform_core.registrations.views import registrations_admin_bp, registrations_public_bp
    from platform_core.results.views import results_admin_bp, results_public_bp
    from platform_core.team.views import team_bp
    from platform_core.web.views import web_bp
    from platform_core.zalo.views import zalo_admin_bp, zalo_public_bp, zalo_site_bp

    blueprints = (
        health_bp, web_bp, auth_bp, api_v1, api_docs_bp, zalo_public_bp, zalo_site_bp, operator_bp,
        mergers_bp,
        # province pages: /<slug>/admin/..., /<slug>/setup/..., then the province's public home
        console_bp, zalo_admin_bp, catalogue_admin_bp, templates_admin_bp, deliveries_admin_bp, guest_list_bp,
        team_bp, apikeys_admin_bp, reports_bp, ratings_admin_bp, feedback_admin_bp, broadcasts_admin_bp,
        officials_admin_bp, citizens_admin_bp, results_admin_bp, registrations_admin_bp, onboarding_bp,
        tenant_logo_bp, feedback_public_bp, ratings_public_bp, results_public_bp, registrations_public_bp,
        province_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


def register_cli(app: Flask) -> None:
    from platform_core.apikeys.cli import apikeys_cli
    from platform_core.auth.cli import users_cli
    from platform_core.db.cli import keys_cli
    from platform_core.delivery.cli import delivery_cli
    from platform_core.demo.cli import demo_command
    from platform_core.jobs.cli import worker_command
    from platform_core.jobs.scheduler import scheduler_command
    from platform_core.mergers.cli import merge_command, rename_command
    from platform_core.onboarding.cli import invite_command
    from platform_core.provisioning.cli import tenants_cli
    from platform_core.zalo.cli import connect_zalo_command, zalo_cli

    tenants_cli.add_command(connect_zalo_command)
    tenants_cli.add_command(invite_command)
    tenants_cli.add_command(merge_command)
    tenants_cli.add_command(rename_command)
    commands = (tenants_cli, apikeys_cli, users_cli, keys_cli, zalo_cli, delivery_cli, demo_command,
                worker_command, scheduler_command)
    for command in commands:
        app.cli.add_command(command)
