"""The request being answered, and what every route answers with: the remote API's JSON
(``tree`` and ``depth``) and the script console."""

from __future__ import annotations

import json
from typing import Any

import attrs

from jenkins_docker_sdk.testing._errors import not_found, requires_post, status
from jenkins_docker_sdk.testing._http import Request, Response, json_response, text_response
from jenkins_docker_sdk.testing._security import Security
from jenkins_docker_sdk.testing._state import Controller, Node
from jenkins_docker_sdk.testing._tree import parse_tree, prune


@attrs.frozen
class Call:
    """A request being answered, and the user it acts as."""

    request: Request
    user: str

    @property
    def root(self) -> str:
        return self.request.root_url

    def post_only(self) -> None:
        """``@RequirePOST``: anything else gets 405."""
        if self.request.method != "POST":
            raise requires_post()


def api(call: Call, data: dict[str, Any], rest: list[str]) -> Response:
    """``hudson.model.Api.doJson``: the object, pruned by ``tree`` when one is given."""
    if rest != ["api", "json"]:
        raise not_found()
    tree = call.request.param("tree")
    if tree is not None:
        data = prune(data, parse_tree(tree))
    return json_response(json.dumps(data))


def depth(call: Call) -> int:
    """``depth``, or as deep as ``tree`` reaches (a tree overrides the depth)."""
    tree = call.request.param("tree")
    if tree is not None:
        return parse_tree(tree).depth
    text = call.request.param("depth") or "0"
    return int(text) if text.isdigit() else 0


def run_script(call: Call, state: Controller, security: Security, node: Node | None) -> Response:
    # Jenkins._doScript (scriptText): Overall/Administer; a script only by POST (405);
    # an offline node is a 404 "Node is offline"; the answer is the script's output.
    security.check(call.user, "Overall/Administer")
    script = call.request.param("script")
    if script is None:
        return text_response("")
    if call.request.method != "POST":
        raise status(405, "requires POST")
    if node is not None and node.offline:
        raise status(404, "Node is offline")
    return text_response(state.run_script(script))
