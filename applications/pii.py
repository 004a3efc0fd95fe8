"""Applicants' personal data at rest: AES-GCM encryption and a blind index (masks re-exported).

Ciphertexts are ``version byte || 12-byte nonce || AES-GCM(ciphertext + tag)``; the field name is
bound in as associated data, so a phone ciphertext pasted into the address column does not
decrypt. The blind index is an HMAC of the normalised value under a key derived from the same
secret, so exact searches and duplicate checks work without decrypting anything.
"""

import base64
import hashlib
import hmac
import os
import re
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Masking lives with the audit and logging masks, one rule for the whole site.
from accounts.masking import mask_address, mask_email, mask_id_number, mask_name, mask_phone

__all__ = [
    "blind_index",
    "decrypt",
    "encrypt",
    "key_version",
    "mask_address",
    "mask_email",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "normalise",
]

_NONCE = 12


@lru_cache(maxsize=4)
def _master(encoded):
    try:
        key = base64.b64decode(encoded, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured("ZWGK_PII_KEY 必须是 32 字节密钥的 base64 编码。") from exc
    if len(key) != 32:
        raise ImproperlyConfigured("ZWGK_PII_KEY 必须是 32 字节密钥的 base64 编码。")
    return key


def _keys():
    master = _master(settings.ZWGK_PII_KEY)
    # Separate keys for encryption and indexing: a leaked index key must not decrypt anything.
    enc = hmac.new(master, b"zwgk-pii-encrypt", hashlib.sha256).digest()
    idx = hmac.new(master, b"zwgk-pii-index", hashlib.sha256).digest()
    return enc, idx


def key_version():
    return settings.ZWGK_PII_KEY_VERSION


def normalise(value):
    return re.sub(r"\s+", "", value or "").upper()


def encrypt(value, *, field):
    if not value:
        return b""
    enc, _ = _keys()
    nonce = os.urandom(_NONCE)
    body = AESGCM(enc).encrypt(nonce, value.encode(), field.encode())
    return bytes([key_version() & 0xFF]) + nonce + body


def decrypt(blob, *, field):
    if not blob:
        return ""
    blob = bytes(blob)
    enc, _ = _keys()
    nonce, body = blob[1 : 1 + _NONCE], blob[1 + _NONCE :]
    return AESGCM(enc).decrypt(nonce, body, field.encode()).decode()


def blind_index(value, *, field):
    if not value:
        return ""
    _, idx = _keys()
    return hmac.new(idx, f"{field}:{normalise(value)}".encode(), hashlib.sha256).hexdigest()
