"""What every service works with: the settings, the policy, the read model's sessions, the
ticket gateway to Temporal and the account gate. Built once per process by the start-up."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from hotline.blob_store import BlobStore
from hotline.settings import Settings
from schema.policy import Policy
from services.account_gate import AccountGate
from services.ticket_gateway import TicketGateway


@dataclass
class AppContext:
    settings: Settings
    policy: Policy
    jwt_secret: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    tickets: TicketGateway
    accounts: AccountGate
    files: BlobStore  # the attachments' bytes, encrypted, by hash
