"""Configuration from the environment, with embedded defaults that run on one machine."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from temporalio.service import TLSConfig

from hotline.payload_codec import EncryptionKeys, keys_from_file

WorkflowSandbox = Literal["strict", "shared", "off"]
"""Whether a worker runs workflows in Temporal's sandbox, and how it loads the workflow
modules into it (worker.sandbox_runner)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOTLINE_", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "HOTLINE_DATABASE_URL")
    )
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    # A cluster with mTLS (client certificate and key, PEM files), or Temporal Cloud with an
    # API key; either turns TLS on. Unset: plain TCP, as the dev server wants.
    temporal_tls_cert: Path | None = None
    temporal_tls_key: Path | None = None
    temporal_api_key: str | None = None
    task_queue: str = "hotline-tickets"
    policy: Path | None = None
    jwt_secret: str | None = None
    # id:base64key[,id:base64key…]: the first encrypts payloads, all decrypt (key rotation).
    encryption_keys: str | None = None
    # The Temporal UI as browsers reach it (default: the one `hotline up` runs, on
    # ui_port): the workbench links to it and the codec server admits its origin.
    ui_address: str | None = None
    # More browser origins allowed to call the codec server, comma-separated.
    ui_origins: str = ""
    # `hotline up` only: give the dev UI a codec token so that it shows payloads decrypted.
    # Off by default: the dev UI has no sign-in, so anyone who reaches it could decrypt.
    ui_codec: bool = False
    token_ttl_hours: int = 12
    # Intake lists open tickets this alike (0-1), same category and district, this recent.
    duplicate_similarity: float = 0.6
    duplicate_window_days: int = 7
    # Open311 API keys, comma-separated: who may post requests through /open311/v2.
    open311_api_keys: str = ""
    # Hosts (or host:port) an Open311 request's media_url may name, comma-separated; the
    # photo is fetched from there. Empty: media_url is refused, the file 'media' is taken.
    open311_media_hosts: str = ""
    max_request_bytes: int = 64 * 1024  # larger request bodies are refused with 413
    answer_timeout_seconds: float = 30.0  # how long an HTTP caller waits for a ticket to answer
    notify_senders: str = "database,log"
    # Workflows a worker keeps in memory (about 0.35 MiB each, bench/): its RSS bound,
    # however many tickets are open.
    worker_cached_workflows: int = 1000
    # "strict" re-imports the workflow modules for every workflow run so the sandbox checks
    # every line (while changing workflow code; the tests run so); "shared" imports them once.
    workflow_sandbox: WorkflowSandbox = "off"
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    # Let several `hotline api` processes on this machine share api_host:api_port
    # (SO_REUSEPORT): the kernel spreads connections over them (docs/deploying.md).
    api_reuse_port: bool = False
    ui_port: int = 8233
    # host:port where `hotline worker` serves the Temporal SDK's Prometheus metrics; off if unset.
    worker_metrics_address: str | None = None
    # `hotline doctor` and the admin's 运行诊断 page (services/doctor.py): an activity is
    # reported from this attempt on, a read-model row once it has lagged its workflow this
    # long, a schedule's run once it is this late; and the work one look may do.
    doctor_activity_attempts: int = 5
    doctor_read_model_grace_seconds: float = 120.0
    doctor_schedule_grace_seconds: float = 600.0
    doctor_schedule_lookback_days: int = 35  # the monthly schedules' last run is in view
    doctor_scan_limit: int = 400_000  # open tickets compared with the read model, by pages
    doctor_page_scan_limit: int = 10_000  # the same on the admin page, newest first
    doctor_detail_limit: int = 200  # describes, history reads and queries, all told
    # The citizen's SMS (docs/deploying.md, "SMS"): "none" sends nothing and queues nothing;
    # "log" keeps each message in the message log only (development); "kannel" sends
    # through a Kannel smsbox's sendsms interface; "aliyun" through Alibaba Cloud's SMS
    # service, with a template approved for each kind of message.
    # "tencent" does the same through Tencent Cloud's SMS (腾讯云短信).
    sms_gateway: Literal["none", "log", "kannel", "aliyun", "tencent"] = "none"
    sms_signature: str = "【12345】"
    sms_sender: str = "12345"  # the number the citizen sees and answers
    kannel_sendsms_url: str = "http://127.0.0.1:13013/cgi-bin/sendsms"
    kannel_username: str = ""
    kannel_password: str = ""
    kannel_smsc: str | None = None  # route every message through this smsc-id
    # Where the gateway reaches this system's API with delivery reports and replies, and
    # the secret it puts in those URLs (Kannel's get-url and dlr-url).
    sms_callback_base: str = "http://127.0.0.1:8000"
    sms_callback_token: str = ""
    aliyun_access_key_id: str = ""
    aliyun_access_key_secret: str = ""
    aliyun_sms_sign_name: str = "12345热线"  # the signature approved for the account
    # kind:template code, comma-separated: receipt:SMS_1,callback_invite:SMS_2,… Each
    # template takes one variable, ${ticket_no}.
    aliyun_sms_templates: str = ""
    aliyun_sms_endpoint: str = "dysmsapi.aliyuncs.com"
    aliyun_sms_protocol: Literal["https", "http"] = "https"
    tencent_secret_id: str = ""  # the account's (or a sub-user's) API key: SecretId
    tencent_secret_key: str = ""
    tencent_sms_sdk_app_id: str = ""  # the SMS application's SmsSdkAppId, 1400…
    tencent_sms_sign_name: str = "12345热线"  # the signature approved for the application
    # kind:template id, comma-separated: receipt:1234567,callback_invite:1234568,… Each
    # template takes the ticket number as {1}; the code message's, its code as {2}.
    tencent_sms_templates: str = ""
    tencent_sms_region: str = "ap-guangzhou"
    tencent_sms_endpoint: str = "sms.tencentcloudapi.com"
    tencent_sms_protocol: Literal["https", "http"] = "https"
    # Attachments (附件): kept encrypted under the data folder, or in an S3-compatible
    # object store when a bucket is named ("s3://bucket" or "s3://bucket/prefix").
    attachment_store: str = ""
    attachment_s3_endpoint: str = ""  # MinIO, Ceph, a cloud's S3 endpoint; empty: AWS
    attachment_s3_region: str = "us-east-1"
    attachment_s3_access_key_id: str = ""
    attachment_s3_secret_access_key: str = ""
    attachment_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    attachment_max_count: int = Field(default=9, ge=1, le=20)  # per step
    attachment_link_seconds: int = Field(default=300, ge=10, le=86_400)
    # ClamAV's daemon, unix:/run/clamav/clamd.ctl or tcp:host:port: every upload is scanned
    # and refused when it carries malware, or while clamd cannot be reached. Empty: no scan.
    attachment_clamd: str = ""
    # The citizen's page (H5): the address citizens reach it at, put in their SMS with a
    # signed link (empty: no link in the SMS), and how long such a link is good for.
    citizen_page_base: str = ""
    citizen_link_days: int = Field(default=30, ge=1, le=365)
    log_format: Literal["console", "json"] = "console"
    log_level: str = "info"
    ticket_prefix: str = ""

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'hotline.db').resolve()}"

    def resolved_jwt_secret(self, *, create: bool = True) -> str:
        """The configured secret, else the one kept in the data folder, made on first use
        unless ``create`` is False (a token made from a new secret is good for nothing)."""
        if self.jwt_secret:
            return self.jwt_secret
        path = self.data_dir / "jwt-secret"
        if not path.exists():
            if not create:
                raise ValueError(
                    f"no token secret in {self.data_dir.resolve()} (the data folder, "
                    "HOTLINE_DATA_DIR): run this where `hotline up` runs, or set "
                    "HOTLINE_DATA_DIR or HOTLINE_JWT_SECRET as the running stack has them"
                )
            self.private_data_dir()
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(48))
        return path.read_text().strip()

    def private_data_dir(self) -> Path:
        """The data folder, made readable by its owner only: it holds the secrets, the
        key ring and (by default) the databases."""
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)
        return self.data_dir

    def resolved_encryption_keys(self) -> EncryptionKeys:
        """The configured keys, else a key made once and kept in the data folder."""
        if self.encryption_keys:
            return EncryptionKeys.parse(self.encryption_keys)
        return keys_from_file(self.data_dir / "encryption-keys")

    def temporal_ui_address(self) -> str:
        return (self.ui_address or f"http://127.0.0.1:{self.ui_port}").rstrip("/")

    def origins(self) -> list[str]:
        """The browser origins that may call the codec server: the Temporal UI's (and, for
        the local one, its localhost twin), then any more the settings name."""
        ui = urlsplit(self.temporal_ui_address())
        found = [f"{ui.scheme}://{ui.netloc}"]
        if ui.hostname == "127.0.0.1":
            found.append(f"{ui.scheme}://localhost" + (f":{ui.port}" if ui.port else ""))
        more = [origin.strip() for origin in self.ui_origins.split(",") if origin.strip()]
        return list(dict.fromkeys([*found, *more]))

    def sender_names(self) -> list[str]:
        return [name.strip() for name in self.notify_senders.split(",") if name.strip()]

    def temporal_tls(self) -> TLSConfig | bool:
        if self.temporal_tls_cert and self.temporal_tls_key:
            return TLSConfig(
                client_cert=self.temporal_tls_cert.read_bytes(),
                client_private_key=self.temporal_tls_key.read_bytes(),
            )
        return self.temporal_api_key is not None
