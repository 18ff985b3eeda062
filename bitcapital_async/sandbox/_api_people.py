"""The sandbox's routes for people.

Users, mediators, consumers and their records, domains with their metrics,
products and the KYC preview.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.policy
import secrets
from email.parser import BytesParser
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._metrics import METRICS, domain_metric, kyc_preview
from ._state import RECORD_KINDS, SandboxError, new_id

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from ._api import Call, SandboxAPI

__all__ = ["PeopleRoutes", "Route"]

# Secret tokens are for handing a third party one short task.
SECRET_TOKEN_LIFETIME = dt.timedelta(minutes=5)

Route = tuple[
    str, str, "str | None", bool, "Callable[[Call], Awaitable[web.StreamResponse]]"
]
"""Method, path, scope (``None``: any valid token), signed, handler."""


class PeopleRoutes:
    """Handlers for the people endpoints, over ``api.people``."""

    def __init__(self, api: SandboxAPI) -> None:
        self.api = api
        self.people = api.people

    def table(self) -> list[Route]:
        """Every route, static paths before the parameterised ones they shadow."""
        routes: list[Route] = [
            ("GET", "/users/role/{role}", "users:read", False, self.users_by_role),
            ("POST", "/users/reset", None, False, self.reset),
            ("POST", "/users/password", None, False, self.set_password),
            ("POST", "/users", "users:write", False, self.create_user),
            ("GET", "/users/{id}", "users:read", False, self.find_user),
            ("GET", "/users/{id}/wallets", "wallets:read", False, self.user_wallets),
            ("POST", "/users/{id}", "users:write", False, self.update_user),
            ("DELETE", "/users/{id}", "users:delete", False, self.delete_user),
            ("POST", "/mediators", "users:write", False, self.create_mediator),
            (
                "POST",
                "/oauth/secret",
                "users:secret_tokens:write",
                False,
                self.secret_token,
            ),
            ("GET", "/consumers", "users:read", False, self.consumers),
            ("POST", "/consumers", "users:write", False, self.create_consumer),
            ("GET", "/consumers/{id}", "users:read", False, self.find_consumer),
            ("POST", "/consumers/{id}", "users:write", False, self.update_consumer),
            ("DELETE", "/consumers/{id}", "users:delete", False, self.delete_user),
            ("POST", "/consumers/{id}/block", "users:write", False, self.block),
            ("POST", "/consumers/{id}/unblock", "users:write", False, self.unblock),
            ("GET", "/consumers/{id}/kyc", "users:read", False, self.kyc_data),
            ("POST", "/consumers/{id}/kyc", "users:write", False, self.set_kyc),
            (
                "POST",
                "/consumers/{id}/documents/{type}/{side}",
                "users:documents:write",
                False,
                self.upload_picture,
            ),
        ]
        for kind in RECORD_KINDS:
            routes.extend(self._record_routes(kind))
        routes += [
            ("GET", "/domains", "domains:read", False, self.domains),
            ("POST", "/domains", "domains:write", False, self.create_domain),
            ("GET", "/domains/{id}", "domains:read", False, self.find_domain),
            ("POST", "/domains/{id}", "domains:write", False, self.update_domain),
            ("DELETE", "/domains/{id}", "domains:delete", False, self.delete_domain),
            ("GET", "/domains/{id}/consumers", "domains:read", False, self.members),
            ("GET", "/domains/{id}/mediators", "domains:read", False, self.members),
            *(
                (
                    "GET",
                    f"/domains/{{id}}/metrics/{name}",
                    "domains:metrics",
                    False,
                    self.metric,
                )
                for name in METRICS
            ),
            ("GET", "/products", "domains:read", False, self.products),
            ("GET", "/products/{id}", "domains:read", False, self.find_product),
            ("GET", "/preview/kyc/{tax_id}", "users:read", True, self.preview),
        ]
        return routes

    # -- users -----------------------------------------------------------------

    async def users_by_role(self, call: Call) -> web.Response:
        users = self.people.users_by_role(call.arg("role"))
        return self.api.page(call, users, self.people.render_user)

    async def reset(self, call: Call) -> web.Response:
        # Known or not, the answer is the same, so it cannot be used to probe.
        self.people.request_reset(str(call.body.get("email") or ""))
        return _true()

    async def set_password(self, call: Call) -> web.Response:
        token, password = call.body.get("token"), call.body.get("password")
        if not isinstance(token, str) or not isinstance(password, str):
            raise SandboxError(400, "token and password are required")
        self.people.set_password(token, password)
        return _true()

    async def create_user(self, call: Call) -> web.Response:
        role = call.body.get("role")
        if role not in {"admin", "audit", "mediator", "operator", "consumer", "public"}:
            raise SandboxError(400, "role is required", {"field": "role"})
        if role == "consumer":
            return await self.create_consumer(call)
        user = self.people.add_user(call.body, str(role))
        return _json(self.people.render_user(user))

    async def secret_token(self, call: Call) -> web.Response:
        """``POST /oauth/secret``: a short-lived token limited to some resources."""
        resources = call.body.get("resources")
        if (
            not isinstance(resources, list)
            or not resources
            or not all(
                isinstance(r, dict) and r.get("entity") and r.get("id")
                for r in resources
            )
        ):
            raise SandboxError(400, "resources must be a list of {entity, id} objects")
        scopes = call.body.get("scopes") or list(call.grant.scopes)
        if not isinstance(scopes, list) or any(
            s not in call.grant.scopes for s in scopes
        ):
            raise SandboxError(403, "a secret token cannot have scopes its maker lacks")

        grant = call.grant
        user_id = grant.user.user_id if grant.user else grant.client.user_id
        now = dt.datetime.now(dt.UTC)
        return _json(
            {
                "id": new_id(),
                "secretToken": secrets.token_urlsafe(24),
                "expires": (now + SECRET_TOKEN_LIFETIME).isoformat(),
                "user": user_id,
                "scope": scopes,
                "resources": [
                    {"entity": r["entity"], "id": r["id"]} for r in resources
                ],
                "createdAt": now.isoformat(),
                "updatedAt": now.isoformat(),
            }
        )

    async def find_user(self, call: Call) -> web.Response:
        return _json(self.people.render_user(self.people.user(call.arg("id"))))

    async def user_wallets(self, call: Call) -> web.Response:
        user = self.people.user(call.arg("id"))
        wallets = self.api.ledger.wallets_of(user["id"])
        return _json([self.api.ledger.render_wallet(w) for w in wallets])

    async def update_user(self, call: Call) -> web.Response:
        user = self.people.user(call.arg("id"))
        self.people.update_user(user, call.body)
        return _json(self.people.render_user(user))

    async def delete_user(self, call: Call) -> web.Response:
        self.people.delete_user(call.arg("id"))
        return _true()

    async def create_mediator(self, call: Call) -> web.Response:
        user = self.people.add_user(call.body, "mediator")
        self.api.ledger.create_wallet({"user": user["id"]})
        return _json(self.people.render_user(user))

    # -- consumers -------------------------------------------------------------

    async def consumers(self, call: Call) -> web.Response:
        users = self.people.users_by_role("consumer")
        return self.api.page(call, users, self.people.render_user)

    async def create_consumer(self, call: Call) -> web.Response:
        user = self.people.create_consumer(call.body)
        product = call.body.get("productId")
        self.api.ledger.create_wallet({"user": user["id"], "product": product})
        return _json(self.people.render_user(user))

    async def find_consumer(self, call: Call) -> web.Response:
        return _json(self.people.render_user(self.people.consumer(call.arg("id"))))

    async def update_consumer(self, call: Call) -> web.Response:
        user = self.people.consumer(call.arg("id"))
        self.people.update_user(user, call.body)
        return _json(self.people.render_user(user))

    async def block(self, call: Call) -> web.Response:
        self.people.set_blocked(call.arg("id"), blocked=True)
        return _true()

    async def unblock(self, call: Call) -> web.Response:
        self.people.set_blocked(call.arg("id"), blocked=False)
        return _true()

    async def kyc_data(self, call: Call) -> web.Response:
        user = self.people.consumer(call.arg("id"))
        return _json(self.people.kyc.get(user["id"], {}))

    async def set_kyc(self, call: Call) -> web.Response:
        return _json(self.people.set_kyc(call.arg("id"), call.body))

    async def upload_picture(self, call: Call) -> web.Response:
        request = call.request
        if request.content_type.startswith("multipart/"):
            content_type = request.headers.get("Content-Type", "")
            picture = _multipart_picture(content_type, await request.read())
        elif isinstance(call.body.get("picture"), str) and call.body["picture"]:
            picture = call.body["picture"]
        else:
            raise SandboxError(400, "picture is required", {"field": "picture"})
        document = self.people.attach_picture(
            call.arg("id"), call.arg("type"), call.arg("side"), picture
        )
        return _json(document)

    def _record_routes(self, kind: str) -> list[Route]:
        read, write = (
            ("users:documents:read", "users:documents:write")
            if kind == "documents"
            else ("users:read", "users:write")
        )
        many, one = f"/consumers/{{id}}/{kind}", f"/consumers/{{id}}/{kind}/{{record}}"

        async def find_all(call: Call) -> web.Response:
            return self.api.page(call, self.people.list_records(kind, call.arg("id")))

        async def create(call: Call) -> web.Response:
            return _json(self.people.add_record(kind, call.arg("id"), call.body))

        async def find_one(call: Call) -> web.Response:
            return _json(self.people.record(kind, call.arg("id"), call.arg("record")))

        async def update(call: Call) -> web.Response:
            record = self.people.update_record(
                kind, call.arg("id"), call.arg("record"), call.body
            )
            return _json(record)

        async def delete(call: Call) -> web.Response:
            self.people.delete_record(kind, call.arg("id"), call.arg("record"))
            return _true()

        return [
            ("GET", many, read, False, find_all),
            ("POST", many, write, False, create),
            ("GET", one, read, False, find_one),
            ("POST", one, write, False, update),
            ("DELETE", one, write, False, delete),
        ]

    # -- domains, products, previews -------------------------------------------

    async def domains(self, call: Call) -> web.Response:
        return self.api.page(call, self.people.domains.values())

    async def create_domain(self, call: Call) -> web.Response:
        return _json(self.people.create_domain(call.body))

    async def find_domain(self, call: Call) -> web.Response:
        return _json(self.people.domain(call.arg("id")))

    async def update_domain(self, call: Call) -> web.Response:
        domain = self.people.domain(call.arg("id"))
        protected = {"id", "createdAt", "updatedAt", "role"}
        domain.update({k: v for k, v in call.body.items() if k not in protected})
        return _json(domain)

    async def delete_domain(self, call: Call) -> web.Response:
        domain = self.people.domain(call.arg("id"))
        if domain is self.people.root_domain:
            raise SandboxError(400, "the root domain cannot be deleted")
        if any(u["domain"]["id"] == domain["id"] for u in self.people.users.values()):
            raise SandboxError(400, "a domain with users cannot be deleted")
        del self.people.domains[domain["id"]]
        return _true()

    async def members(self, call: Call) -> web.Response:
        domain = self.people.domain(call.arg("id"))
        role = "consumer" if call.request.path.endswith("/consumers") else "mediator"
        users = self.people.domain_users(domain["id"], role)
        return _json([self.people.render_user(user) for user in users])

    async def metric(self, call: Call) -> web.Response:
        name = call.request.path.split("/metrics/", 1)[1]
        query = dict(call.request.query)
        return _json(domain_metric(self.api.ledger, call.arg("id"), name, query))

    async def products(self, call: Call) -> web.Response:
        return self.api.page(call, self.people.products.values())

    async def find_product(self, call: Call) -> web.Response:
        return _json(self.people.product(call.arg("id")))

    async def preview(self, call: Call) -> web.Response:
        return _json(kyc_preview(call.arg("tax_id")))


def _json(data: Any) -> web.Response:
    return web.json_response(data)


def _true() -> web.Response:
    # The JavaScript SDK reads these answers as a boolean.
    return web.json_response(True)  # noqa: FBT003 - the JSON value itself


def _multipart_picture(content_type: str, raw: bytes) -> str:
    # The guard has read the body already (to check its signature), so parse
    # the bytes as the MIME document they are rather than the spent stream.
    message = BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + raw
    )
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "picture":
            data = part.get_payload(decode=True)
            if isinstance(data, bytes):
                kind = part.get_content_type()
                encoded = base64.b64encode(data).decode("ascii")
                return f"data:{kind};base64,{encoded}"
    raise SandboxError(400, "picture is required", {"field": "picture"})
