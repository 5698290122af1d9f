"""The controller's URLs: the one the user gives, checked, and the paths of items and stores."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

from jenkins_docker_sdk.clients._values import RemoteItem
from jenkins_docker_sdk.errors import InputError


def check_url(url: str) -> str:
    """The controller URL with a trailing slash.

    Raises:
        InputError: not an ``http(s)://host[:port][/path]`` URL, or one with credentials,
            a query or a fragment in it.
    """
    try:
        parts = urlsplit(url)
        _ = parts.port  # a port that is not a number raises here
    except ValueError as exc:
        raise _bad_url(url, str(exc)) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _bad_url(url, "it is not an http:// or https:// URL with a host")
    if parts.username is not None or parts.password is not None:
        raise _bad_url(
            url,
            "it has credentials in it; give the user with --user and the token in an environment variable",
        )
    if parts.query or parts.fragment:
        raise _bad_url(url, "it has a query or fragment")
    return url if url.endswith("/") else url + "/"


def _bad_url(url: str, reason: str) -> InputError:
    shown = url
    parts = urlsplit(url) if "://" in url else None
    if parts is not None and "@" in parts.netloc:
        shown = parts._replace(netloc="****@" + parts.netloc.rpartition("@")[2]).geturl()
    return InputError.at(
        f"bad Jenkins URL {shown!r}: {reason}",
        hint="a controller URL looks like https://jenkins.example.com/ or http://host:8080/jenkins/",
    )


def store_path(folder: str, domain: str) -> str:
    """The credentials plugin's URL of a store's domain: the system store or a folder's."""
    store = f"{item_path(folder)}credentials/store/folder" if folder else "credentials/store/system"
    return f"{store}/domain/{quote(domain, safe='')}/"


def store_name(folder: str) -> str:
    return f"the credentials store of folder {folder}" if folder else "the system credentials store"


def item_path(name: str) -> str:
    """``team/job`` -> ``job/team/job/job/``; the empty name (the top level) -> ``""``."""
    if not name:
        return ""
    return "".join(f"job/{quote(part, safe='')}/" for part in name.split("/"))


def tree(depth: int) -> str:
    """The ``tree`` of the bulk read: names and descriptions ``depth`` folders deep.

    The innermost level also asks for ``jobs[name]``: only folders have ``jobs``, so
    every item read can be told to be a folder or not.
    """
    tree = "jobs[name]"
    for _ in range(max(1, depth)):
        tree = f"jobs[name,description,{tree}]"
    return tree


def remote_items(entries: list[Any], prefix: str, levels: int) -> Iterator[RemoteItem]:
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        name = prefix + entry["name"]
        children = entry.get("jobs")
        description = entry.get("description")
        yield RemoteItem(name, description if isinstance(description, str) else None, children is not None)
        if isinstance(children, list) and levels > 1:
            yield from remote_items(children, name + "/", levels - 1)
