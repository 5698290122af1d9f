"""Authentication, CSRF crumbs and permissions, as Jenkins' filters and ACLs answer them."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import NoReturn

import attrs

from jenkins_docker_sdk.errors import HttpFailure
from jenkins_docker_sdk.testing._http import Request, header_value, html_page

ANONYMOUS = "anonymous"
CRUMB_FIELD = "Jenkins-Crumb"
_SALT = b"mock-jenkins-crumb-salt"
_RESERVED_USER_IDS = frozenset({"anonymous", "system", "unknown"})  # User.ILLEGAL_PERSISTED_USERNAMES


@attrs.frozen
class Permission:
    """A Jenkins permission: its id (``hudson.model.Item.Configure``) and title (``Job/Configure``)."""

    id: str
    title: str
    implied_by: tuple[str, ...] = ()


_ADMIN = "hudson.model.Hudson.Administer"
_GENERIC = {  # hudson.security.Permission's generic permissions, most specific first
    "create": ("hudson.security.Permission.GenericCreate", "hudson.security.Permission.GenericWrite", _ADMIN),
    "update": ("hudson.security.Permission.GenericUpdate", "hudson.security.Permission.GenericWrite", _ADMIN),
    "configure": (
        "hudson.security.Permission.GenericConfigure",
        "hudson.security.Permission.GenericUpdate",
        "hudson.security.Permission.GenericWrite",
        _ADMIN,
    ),
    "delete": ("hudson.security.Permission.GenericDelete", "hudson.security.Permission.GenericWrite", _ADMIN),
    "read": ("hudson.security.Permission.GenericRead", _ADMIN),
}


def _perm(owner: str, group: str, name: str, implied: str) -> Permission:
    return Permission(f"{owner}.{name}", f"{group}/{name}", _GENERIC[implied])


#: The permissions the endpoints check, by title (the name users pass to ``deny``).
PERMISSIONS: dict[str, Permission] = {
    p.title: p
    for p in (
        Permission(
            "hudson.model.Hudson.Read", "Overall/Read", ("hudson.security.Permission.GenericRead", _ADMIN)
        ),
        Permission(_ADMIN, "Overall/Administer"),
        _perm("hudson.model.Item", "Job", "Create", "create"),
        _perm("hudson.model.Item", "Job", "Delete", "delete"),
        _perm("hudson.model.Item", "Job", "Configure", "configure"),
        _perm("hudson.model.Item", "Job", "Read", "read"),
        Permission("hudson.model.Item.ExtendedRead", "Job/ExtendedRead", ("hudson.model.Item.Configure",)),
        _perm("hudson.model.Item", "Job", "Build", "update"),
        _perm("hudson.model.Computer", "Agent", "Create", "create"),
        _perm("hudson.model.Computer", "Agent", "Delete", "delete"),
        _perm("hudson.model.Computer", "Agent", "Configure", "configure"),
        Permission(
            "hudson.model.Computer.ExtendedRead", "Agent/ExtendedRead", ("hudson.model.Computer.Configure",)
        ),
        Permission("hudson.model.Computer.Disconnect", "Agent/Disconnect", (_ADMIN,)),
        Permission(
            "hudson.model.Computer.Connect", "Agent/Connect", ("hudson.model.Computer.Disconnect", _ADMIN)
        ),
        _perm("com.cloudbees.plugins.credentials.CredentialsProvider", "Credentials", "Create", "create"),
        _perm("com.cloudbees.plugins.credentials.CredentialsProvider", "Credentials", "Update", "update"),
        _perm("com.cloudbees.plugins.credentials.CredentialsProvider", "Credentials", "View", "read"),
        _perm("com.cloudbees.plugins.credentials.CredentialsProvider", "Credentials", "Delete", "delete"),
    )
}


@attrs.define(kw_only=True)
class Security:
    """Who may do what, as a controller with a security realm answers.

    With users (Jenkins' own user database holding those accounts), a request authenticates
    with HTTP basic auth (user and API token, or user and password); a wrong one gets 401, a
    missing one is anonymous, which may read only when ``anonymous_read``.

    Without users the controller is open: every user name exists and the secret sent is its
    API token (so a POST needs no crumb), and authorization is "Anyone can do anything"
    (``AuthorizationStrategy.Unsecured``): anonymous requests may do everything too. Each
    answer is the one a controller on which that account is valid gives.

    Authenticated users hold every permission except those denied.
    """

    tokens: dict[str, str] = attrs.field(factory=dict, repr=False)
    passwords: dict[str, str] = attrs.field(factory=dict, repr=False)
    anonymous_read: bool = False
    crumbs: bool = True
    denied: set[tuple[str | None, str]] = attrs.field(factory=set)  # (user or None for all, title)

    @property
    def enabled(self) -> bool:
        """Whether users were configured (else the controller is open, see the class)."""
        return bool(self.tokens or self.passwords)

    def authenticate(self, request: Request) -> tuple[str, bool]:
        """The user a request acts as, and whether it used an API token.

        Follows ``BasicHeaderProcessor``: a bad basic header is answered with 401 at once.
        """
        header = request.headers.get("authorization", "")
        if not header.lower().startswith("basic "):
            return ANONYMOUS, False
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        user, colon, secret = decoded.partition(":")
        if not colon:
            raise _unauthorized("Malformed HTTP basic Authorization header")
        if not self.enabled and _may_exist(user):
            # Open controller: BasicHeaderApiTokenAuthenticator accepts the user's API token.
            return user, True
        if user in self.tokens and hmac.compare_digest(self.tokens[user], secret):
            return user, True
        if user in self.passwords and hmac.compare_digest(self.passwords[user], secret):
            return user, False
        raise _unauthorized(f"Invalid password/token for user: {user}")

    def crumb_for(self, user: str) -> str:
        """The crumb ``DefaultCrumbIssuer`` hands ``user`` (no sessions here, so per user)."""
        return hmac.new(_SALT, user.encode(), hashlib.sha256).hexdigest()

    def check_crumb(self, request: Request, user: str, api_token: bool) -> None:
        """``CrumbFilter``: a POST without a valid crumb is refused, unless it used an API token."""
        if not self.crumbs or request.method != "POST" or api_token:
            return
        sent = request.headers.get(CRUMB_FIELD.lower()) or request.param(CRUMB_FIELD)
        if sent is None or not hmac.compare_digest(sent, self.crumb_for(user)):
            raise HttpFailure(html_page("Error 403", "No valid crumb was included in the request", 403))

    def check(self, user: str, title: str) -> None:
        """Raise the 403 Jenkins answers when ``user`` lacks the permission ``title``."""
        if not self.allows(user, title):
            self.refuse(user, title)

    def refuse(self, user: str, title: str) -> NoReturn:
        """Raise the 403 of a missing permission: the permission named in body and headers."""
        permission = PERMISSIONS[title]
        headers = (
            ("X-You-Are-Authenticated-As", header_value(user)),
            ("X-Required-Permission", permission.id),
            *(("X-Permission-Implied-By", implied) for implied in permission.implied_by),
        )
        if user == ANONYMOUS:  # HudsonAuthenticationEntryPoint: anonymous users are asked to log in
            raise HttpFailure(html_page("Authentication required", "Authentication required", 403, *headers))
        message = f"{user} is missing the {permission.title} permission"  # AccessDeniedException3
        raise HttpFailure(html_page("Access Denied", message, 403, *headers))

    def allows(self, user: str, title: str) -> bool:
        if (user, title) in self.denied or (None, title) in self.denied:
            return False
        if not self.enabled or user != ANONYMOUS:
            return True
        return self.anonymous_read and title in ("Overall/Read", "Job/Read")


def _may_exist(user: str) -> bool:
    """``User.isIdOrFullnameAllowed``: no account is blank or named anonymous, SYSTEM or unknown."""
    return bool(user.strip()) and user.strip().lower() not in _RESERVED_USER_IDS


def _unauthorized(message: str) -> HttpFailure:
    """Spring's ``BasicAuthenticationEntryPoint`` with realm "Jenkins": 401 and the reason."""
    return HttpFailure(html_page("Error 401", message, 401, ("WWW-Authenticate", 'Basic realm="Jenkins"')))
