"""The sandbox's people: users, consumers and their records, domains, products.

Records are kept as the camelCase dicts the API sends, so a handler answers with
a copy of one; money lives in ``_ledger``. Every mistake a caller can make is a
``SandboxError``, which the API turns into ts-framework's error shape.
"""

from __future__ import annotations

import copy
import secrets
import uuid
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final

__all__ = [
    "RECORD_KINDS",
    "Directory",
    "SandboxError",
    "new_id",
    "parse_amount",
    "timestamp",
]

RECORD_KINDS: Final = ("addresses", "phones", "bankings", "documents")

# The developer hub: amounts are decimal strings "with at most 6 decimal places".
_MAX_DECIMALS: Final = 6

_DOCUMENT_SIDES: Final = {
    "front": ("front",),
    "back": ("back",),
    "selfie": ("selfie",),
    "both_sides": ("front", "back"),
}

# Fields a caller may never set through an update.
_PROTECTED: Final = frozenset({"id", "createdAt", "updatedAt", "role", "password"})


class SandboxError(Exception):
    """A request the sandbox refuses, with the status and message to answer."""

    def __init__(self, status: int, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details


def new_id() -> str:
    """Return a fresh UUID string, as the API's ids are."""
    return str(uuid.uuid4())


def timestamp(moment: datetime | None = None) -> str:
    """Format a moment as JavaScript's ``Date.toISOString()`` would."""
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def parse_amount(value: object, field: str = "amount") -> Decimal:
    """Read a positive amount given as a decimal string or a JSON number.

    Raises:
        SandboxError: A 400 when it is missing, not a number, not positive or
            has more than six decimals.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise SandboxError(400, f"{field} must be a decimal string", {"field": field})
    text = repr(value) if isinstance(value, float) else str(value).strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise SandboxError(400, f"{field} is not a number", {"field": field}) from None

    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or amount <= 0:
        raise SandboxError(400, f"{field} must be positive", {"field": field})
    if isinstance(exponent, int) and -exponent > _MAX_DECIMALS:
        raise SandboxError(
            400, f"{field} has more than {_MAX_DECIMALS} decimals", {"field": field}
        )
    return amount


class Directory:
    """Users, consumer profiles and their records, domains and products."""

    def __init__(self) -> None:
        self.users: dict[str, dict[str, Any]] = {}
        self.passwords: dict[str, str] = {}
        self.records: dict[str, dict[str, dict[str, dict[str, Any]]]] = {
            kind: {} for kind in RECORD_KINDS
        }
        self.kyc: dict[str, dict[str, Any]] = {}
        self.reset_tokens: dict[str, str] = {}
        self.domains: dict[str, dict[str, Any]] = {}
        self.products: dict[str, dict[str, Any]] = {}

        self.root_domain = self.create_domain({"name": "Sandbox", "role": "root"})
        self.default_product = self._stamp(
            {"name": "Sandbox account", "domain": self._domain_ref(self.root_domain)}
        )
        self.products[self.default_product["id"]] = self.default_product

    # -- users -----------------------------------------------------------------

    def add_user(
        self, data: dict[str, Any], role: str, *, user_id: str | None = None
    ) -> dict[str, Any]:
        """Store a user from a request body; the password is kept apart."""
        email = data.get("email")
        if not isinstance(email, str) or "@" not in email:
            raise SandboxError(400, "email is required", {"field": "email"})
        if any(user["email"] == email for user in self.users.values()):
            raise SandboxError(
                400, f"email already in use: {email}", {"field": "email"}
            )

        first, last = str(data.get("firstName") or ""), str(data.get("lastName") or "")
        name = data.get("name") or f"{first} {last}".strip() or email
        domain = self._domain_for(data.get("domain"))
        user = self._stamp(
            {
                "name": name,
                "firstName": first or None,
                "lastName": last or None,
                "email": email,
                "role": role,
                "status": "active",
                "virtual": False,
                "domain": self._domain_ref(domain),
            },
            record_id=user_id,
        )
        self.users[user["id"]] = user
        if isinstance(data.get("password"), str):
            self.passwords[user["id"]] = data["password"]
        return user

    def user(self, user_id: str) -> dict[str, Any]:
        """The stored user, or a 404."""
        user = self.users.get(user_id)
        if user is None:
            raise SandboxError(404, f"User not found: {user_id}", {"id": user_id})
        return user

    def consumer(self, user_id: str) -> dict[str, Any]:
        """The stored consumer user, or a 404."""
        user = self.users.get(user_id)
        if user is None or user["role"] != "consumer":
            raise SandboxError(404, f"Consumer not found: {user_id}", {"id": user_id})
        return user

    def update_user(self, user: dict[str, Any], data: dict[str, Any]) -> None:
        """Apply a partial update to a user, and to its consumer profile if sent."""
        profile = data.get("consumer")
        user.update(
            {
                key: value
                for key, value in data.items()
                if key not in _PROTECTED and key not in {"consumer", "domain"}
            }
        )
        if isinstance(profile, dict) and "consumer" in user:
            if any(kind in profile for kind in ("addresses", "phones", "documents")):
                raise SandboxError(
                    400, "nested records change through their own endpoints"
                )
            user["consumer"].update(
                {k: v for k, v in profile.items() if k not in _PROTECTED}
            )
        if "firstName" in data or "lastName" in data:
            user["name"] = f"{user.get('firstName') or ''} {user.get('lastName') or ''}"
            user["name"] = user["name"].strip() or user["email"]
        user["updatedAt"] = timestamp()

    def delete_user(self, user_id: str) -> None:
        """Forget a user and everything filed under it."""
        self.user(user_id)
        del self.users[user_id]
        self.passwords.pop(user_id, None)
        for kind in RECORD_KINDS:
            self.records[kind].pop(user_id, None)

    def render_user(self, user: dict[str, Any]) -> dict[str, Any]:
        """A user as the API answers it, records of a consumer included."""
        data = copy.deepcopy(user)
        if "consumer" in data:
            for kind in ("addresses", "phones", "bankings", "documents"):
                data["consumer"][kind] = copy.deepcopy(
                    list(self.records[kind].get(user["id"], {}).values())
                )
        return {key: value for key, value in data.items() if value is not None}

    def users_by_role(self, role: str) -> list[dict[str, Any]]:
        """Every user with a role, oldest first."""
        return [user for user in self.users.values() if user["role"] == role]

    def request_reset(self, email: str) -> str | None:
        """Issue a password reset token for an e-mail address, if it is known."""
        for user in self.users.values():
            if user["email"] == email:
                token = secrets.token_urlsafe(16)
                self.reset_tokens[token] = user["id"]
                return token
        return None

    def set_password(self, token: str, password: str) -> None:
        """Spend a reset token on a new password."""
        user_id = self.reset_tokens.pop(token, None)
        if user_id is None or user_id not in self.users:
            raise SandboxError(400, "invalid or used reset token", {"field": "token"})
        if len(password) < 1:
            raise SandboxError(400, "password is required", {"field": "password"})
        self.passwords[user_id] = password

    # -- consumers -------------------------------------------------------------

    def create_consumer(
        self, data: dict[str, Any], *, user_id: str | None = None
    ) -> dict[str, Any]:
        """Store a consumer user with its profile and the records sent along."""
        if not isinstance(data.get("password"), str) or not data["password"]:
            raise SandboxError(400, "password is required", {"field": "password"})
        profile = data.get("consumer") or {}
        if not isinstance(profile, dict):
            raise SandboxError(400, "consumer must be an object", {"field": "consumer"})

        user = self.add_user(data, "consumer", user_id=user_id)
        user["consumer"] = self._stamp(
            {
                "userId": user["id"],
                "status": "pending_documents",
                "type": profile.get("type", "personal"),
                "taxId": profile.get("taxId"),
                "motherName": profile.get("motherName"),
                "birthday": profile.get("birthday"),
                "companyData": profile.get("companyData"),
            }
        )
        if data.get("externalId") is not None:
            user["externalId"] = data["externalId"]
        for kind in ("addresses", "phones", "documents"):
            for item in profile.get(kind) or ():
                self.add_record(kind, user["id"], item)
        return user

    def set_blocked(self, user_id: str, *, blocked: bool) -> None:
        """Block a consumer, or restore the status it had before."""
        profile = self.consumer(user_id)["consumer"]
        if blocked and profile["status"] != "blocked":
            profile["statusBeforeBlock"] = profile["status"]
            profile["status"] = "blocked"
        elif not blocked and profile["status"] == "blocked":
            profile["status"] = profile.pop("statusBeforeBlock", "ready")
        profile["updatedAt"] = timestamp()

    def is_blocked(self, user_id: str) -> bool:
        """Whether a user is a blocked consumer."""
        user = self.users.get(user_id) or {}
        return bool(user.get("consumer", {}).get("status") == "blocked")

    def set_kyc(self, user_id: str, data: dict[str, Any]) -> dict[str, Any]:
        """Record a manual KYC analysis; ``approved`` makes the consumer ready."""
        profile = self.consumer(user_id)["consumer"]
        if not isinstance(data.get("result"), str):
            raise SandboxError(400, "result is required", {"field": "result"})
        self.kyc[user_id] = {**data, "analyzedAt": timestamp()}
        if data["result"] in {"approved", "rejected"}:
            profile["status"] = "ready" if data["result"] == "approved" else "rejected"
        return dict(self.kyc[user_id])

    # -- nested records --------------------------------------------------------

    def add_record(self, kind: str, user_id: str, data: object) -> dict[str, Any]:
        """File a new address, phone, banking or document under a consumer."""
        if not isinstance(data, dict):
            raise SandboxError(400, f"a record of {kind} must be an object")
        self.consumer(user_id)
        fields = {k: v for k, v in data.items() if k not in _PROTECTED}
        if kind == "phones":
            fields.setdefault("type", "mobile")
        if kind == "documents":
            if not isinstance(fields.get("type"), str):
                raise SandboxError(400, "type is required", {"field": "type"})
            fields.setdefault("status", "pending_information")
            fields["consumerId"] = self.users[user_id]["consumer"]["id"]
        record = self._stamp(fields)
        self.records[kind].setdefault(user_id, {})[record["id"]] = record
        return record

    def list_records(self, kind: str, user_id: str) -> list[dict[str, Any]]:
        """A consumer's records of one kind, oldest first."""
        self.consumer(user_id)
        return list(self.records[kind].get(user_id, {}).values())

    def record(self, kind: str, user_id: str, record_id: str) -> dict[str, Any]:
        """One record; documents are also found by their type."""
        records = self.records[kind].get(user_id, {})
        self.consumer(user_id)
        found = records.get(record_id)
        if found is None and kind == "documents":
            found = next(
                (doc for doc in records.values() if doc["type"] == record_id), None
            )
        if found is None:
            raise SandboxError(
                404, f"Record not found in {kind}: {record_id}", {"id": record_id}
            )
        return found

    def update_record(
        self, kind: str, user_id: str, record_id: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        """Apply a partial update to a record."""
        record = self.record(kind, user_id, record_id)
        record.update({k: v for k, v in data.items() if k not in _PROTECTED})
        record["updatedAt"] = timestamp()
        return record

    def delete_record(self, kind: str, user_id: str, record_id: str) -> None:
        """Remove a record."""
        record = self.record(kind, user_id, record_id)
        del self.records[kind][user_id][record["id"]]

    def attach_picture(
        self, user_id: str, doc_type: str, side: str, picture: str
    ) -> dict[str, Any]:
        """Store a document picture, creating the document of that type if needed."""
        sides = _DOCUMENT_SIDES.get(side)
        if sides is None:
            raise SandboxError(400, f"unknown document side: {side}", {"side": side})
        try:
            document = self.record("documents", user_id, doc_type)
        except SandboxError as exc:
            if exc.status != 404:
                raise
            document = self.add_record("documents", user_id, {"type": doc_type})
        for name in sides:
            document[name] = picture
        document["status"] = "processing"
        document["updatedAt"] = timestamp()
        return document

    # -- domains and products --------------------------------------------------

    def create_domain(self, data: dict[str, Any]) -> dict[str, Any]:
        """Store a domain; every domain but the first is ``common``."""
        if not isinstance(data.get("name"), str) or not data["name"]:
            raise SandboxError(400, "name is required", {"field": "name"})
        fields = {k: v for k, v in data.items() if k not in _PROTECTED}
        fields["role"] = "root" if not self.domains else "common"
        domain = self._stamp(fields)
        self.domains[domain["id"]] = domain
        return domain

    def domain(self, domain_id: str) -> dict[str, Any]:
        """The stored domain (``root`` names the root one), or a 404."""
        if domain_id == "root":
            return self.root_domain
        domain = self.domains.get(domain_id)
        if domain is None:
            raise SandboxError(404, f"Domain not found: {domain_id}", {"id": domain_id})
        return domain

    def product(self, product_id: str) -> dict[str, Any]:
        """The stored product, or a 404."""
        product = self.products.get(product_id)
        if product is None:
            raise SandboxError(
                404, f"Product not found: {product_id}", {"id": product_id}
            )
        return product

    def domain_users(self, domain_id: str, role: str) -> list[dict[str, Any]]:
        """The users of a domain with a role."""
        return [
            user
            for user in self.users.values()
            if user["role"] == role and user["domain"]["id"] == domain_id
        ]

    def _domain_for(self, reference: object) -> dict[str, Any]:
        if reference is None:
            return self.root_domain
        domain_id = reference.get("id") if isinstance(reference, dict) else reference
        return self.domain(str(domain_id))

    @staticmethod
    def _domain_ref(domain: dict[str, Any]) -> dict[str, Any]:
        return {"id": domain["id"], "name": domain["name"], "role": domain["role"]}

    @staticmethod
    def _stamp(
        fields: dict[str, Any], *, record_id: str | None = None
    ) -> dict[str, Any]:
        now = timestamp()
        return {
            "id": record_id or new_id(),
            "createdAt": now,
            "updatedAt": now,
            **fields,
        }
