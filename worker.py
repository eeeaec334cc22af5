"""The Temporal worker: one explicit list of workflows and activities.

Runs the ticket workflows in a sandbox where any module a workflow imports must be
passed through on purpose (``WORKFLOW_SAFE_MODULES``), so a workflow that pulls in
SQLAlchemy, FastAPI or the settings fails at once instead of reloading them on every
workflow task. How the workflow modules themselves are loaded is ``workflow_sandbox``:
``strict`` for development and the test suite, ``shared`` in production.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions
from temporalio.workflow import SandboxImportNotificationPolicy

from activities.citizen_messages import CitizenMessageActivities, CitizenMessageQueue
from activities.deadlines import DeadlineActivities
from activities.knowledge import KnowledgeActivities
from activities.merging import MergeActivities
from activities.notifications import NotificationActivities, build_senders
from activities.publishing import PublishingActivities
from activities.read_model import ReadModelActivities
from activities.registration import RegistrationActivities
from activities.reports import ReportActivities
from activities.routing import RoutingActivities
from activities.sms_gateway import build_gateway
from hotline import sealing
from hotline.database import WriteTransactions
from hotline.request_context import RequestContextInterceptor
from hotline.settings import Settings, WorkflowSandbox
from schema.policy_file import read_policy
from workflows.citizen_message import CitizenMessageWorkflow
from workflows.discipline_referral import DisciplineReferralWorkflow
from workflows.joint_meeting import JointMeetingWorkflow
from workflows.knowledge_entry import KnowledgeEntryWorkflow
from workflows.reports import ReportWorkflow
from workflows.ticket.workflow import TicketWorkflow

log = structlog.get_logger(__name__)

WORKFLOWS: Sequence[type] = (
    TicketWorkflow,
    JointMeetingWorkflow,
    DisciplineReferralWorkflow,
    ReportWorkflow,
    CitizenMessageWorkflow,
    KnowledgeEntryWorkflow,
)

# Pure modules (no I/O, no clock, no module state) that workflow code imports.
WORKFLOW_SAFE_MODULES = (
    "schema.body",
    "schema.escalation",
    "schema.ladder",
    "schema.ticket",
    "schema.action_bodies",
    "schema.policy",
    "schema.activity_io",
    "schema.reports",
    "schema.knowledge",
    "workflows.ticket.state",
    "workflows.ticket.extension",
    "workflows.ticket.delegation",
    "workflows.ticket.police",
    "workflows.ticket.suspension",
    "workflows.ticket.registration",
    "workflows.ticket.outcome",
    "workflows.ticket.handling",
    "workflows.ticket.closing",
    "workflows.ticket.children",
    "workflows.ticket.ladder",
    "workflows.ticket.deadlines",
    "workflows.ticket.handlers",
    "workflows.ticket.publishing",
    "workflows.ticket.details",
    "workflows.ticket.legacy",
    "schema.working_days",
    "workflows.ticket.process",
    "workflows.refusals",
    "workflows.child_process",
    "workflows.ticket.rules",
    "workflows.activity_calls",
    "schema.search_attributes",
    "workflows.ids",
    "workflows.ticket.news",
    "workflows.waiting",
    # Child workflows the ticket starts; their classes hold no module state.
    "workflows.joint_meeting",
    "workflows.discipline_referral",
    "workflows.citizen_message",
    "schema.citizen_messages",
    "workflows.knowledge_rules",
    "schema.attachments",
    "hotline.request_context",
    "schema.request_context",  # the request id's variable: the one the interceptor sets
)

# The modules whose workflows start on their own (the ticket, the reports). ``strict``
# imports each afresh into every run's sandbox, so the sandbox's restrictions (no clock,
# no I/O, no randomness) check every line of it: the test suite runs so. ``shared`` passes
# them through like the modules above: they hold no module state, and a new ticket then
# costs no import of its module (about 10 ms of worker CPU per ticket life, bench/).
WORKFLOW_MODULES = ("workflows.ticket.workflow", "workflows.reports", "workflows.knowledge_entry")


def sandbox_runner(mode: WorkflowSandbox = "off") -> WorkflowRunner:
    """``off`` on production workers: the sandbox re-checks at run time what the test
    suite (``strict``) and the replay tests already check, and it cost a ticket life about
    8 ms of worker CPU (16 %, bench/), most of it in crossing into the sandbox for every
    payload's serialization context and every activation's import hooks."""
    if mode == "off":
        return UnsandboxedWorkflowRunner()
    passed_through: tuple[str, ...] = WORKFLOW_SAFE_MODULES
    if mode == "shared":
        passed_through += WORKFLOW_MODULES
    restrictions = SandboxRestrictions.default.with_passthrough_modules(
        *passed_through
    ).with_import_notification_policy(
        SandboxImportNotificationPolicy.RAISE_ON_UNINTENTIONAL_PASSTHROUGH
    )
    return SandboxedWorkflowRunner(restrictions=restrictions)


def activities(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], client: Client
) -> list[Callable]:
    """Every activity the ticket workflows call, by the names in ``ActivityName``."""
    policy = read_policy(settings.policy)  # a broken file stops the worker here, not mid-ticket
    registration = RegistrationActivities(sessions, settings.policy)
    deadlines = DeadlineActivities(settings.policy)
    # Tickets registered before "register-once-deadlines-in-workflow" still call these three.
    routing = RoutingActivities(sessions)
    transactions = WriteTransactions(sessions.kw["bind"])
    senders = build_senders(settings.sender_names(), transactions)
    gateway = build_gateway(settings)
    queue = None
    if gateway is not None:
        queue = CitizenMessageQueue(
            transactions, client, settings.task_queue, policy.sms, policy.timezone
        )
    publishing = PublishingActivities(transactions, senders, client, queue)
    citizen_messages = CitizenMessageActivities(transactions, gateway, settings, policy.sms)
    # Tickets started before the "publish-in-one-local-activity" patch still call these two.
    read_model = ReadModelActivities(transactions)
    notifications = NotificationActivities(senders)
    reports = ReportActivities(sessions, policy)
    merging = MergeActivities(client)
    knowledge = KnowledgeActivities(transactions)
    return [
        registration.register_ticket,
        deadlines.record_working_days,
        deadlines.load_policy,
        deadlines.compute_due_instants,
        routing.route_request,
        publishing.publish_transition,
        publishing.record_late_escalation_news,
        read_model.record_transition,
        notifications.send_notifications,
        reports.compile_report,
        merging.claim_duplicate,
        citizen_messages.send_citizen_message,
        citizen_messages.give_up_citizen_message,
        knowledge.record_knowledge_entry,
    ]


def build_worker(
    client: Client,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    workflows: Sequence[type] = WORKFLOWS,
) -> Worker:
    # A client made by hotline.temporal.connect already carries the interceptor; the
    # worker inherits it from there. Any other client gets it here.
    sealing.use_keys(settings.resolved_encryption_keys())  # the read model's citizens
    inherited = any(
        isinstance(i, RequestContextInterceptor) for i in client.config()["interceptors"]
    )
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=list(workflows),
        activities=activities(settings, sessions, client),
        workflow_runner=sandbox_runner(settings.workflow_sandbox),
        interceptors=[] if inherited else [RequestContextInterceptor()],
        # Open tickets beyond this are not held in memory: the next event replays one.
        max_cached_workflows=settings.worker_cached_workflows,
    )
