"""Personal information stays out: a keyed applicant key instead of names and ID numbers.

A plain hash of an ID number can be reversed by enumerating ID numbers, so the key is an
HMAC with a secret kept outside the repository: ``GONGKAI_SECRET`` in the environment, or
else a random secret generated once into ``$GONGKAI_DATA_DIR/.gongkai-secret`` (gitignored).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from pipelines.reference.names import normalize_text

SECRET_FILE = ".gongkai-secret"
# Columns the input contract marks as personal information: read, never stored or shown.
PII_HEADERS = ("申请人", "证件号码", "联系电话")


def load_secret(data_dir: Path, environ: dict | None = None) -> bytes:
    """The HMAC secret: from ``GONGKAI_SECRET``, else from (or newly into) the local file."""
    env = os.environ if environ is None else environ
    if env.get("GONGKAI_SECRET"):
        return env["GONGKAI_SECRET"].encode("utf-8")
    path = data_dir / SECRET_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text(encoding="utf-8").strip().encode("utf-8")


def applicant_key(secret: bytes, id_number: object, name: object, phone: object) -> str | None:
    """Stable keyed key of an applicant: by ID number, else by name and phone; None if neither."""
    id_text = normalize_text(id_number).upper()
    basis = f"id:{id_text}" if id_text else ""
    if not basis:
        name_text, phone_text = normalize_text(name), normalize_text(phone)
        if not (name_text or phone_text):
            return None
        basis = f"np:{name_text}|{phone_text}"
    return hmac.new(secret, basis.encode("utf-8"), hashlib.sha256).hexdigest()[:20]
