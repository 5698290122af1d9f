"""A platform team's automation script: keep jobs in place, retire old ones."""

from __future__ import annotations

import re

import jenkins


def ensure_job(server: jenkins.Jenkins, name: str, config_xml: str) -> str:
    """Create job ``name`` (``team/sub/job``: the folders first) or update its config.

    Returns "created" or "updated".
    """
    parts = name.split("/")
    for depth in range(1, len(parts)):
        folder = "/".join(parts[:depth])
        if not server.job_exists(folder):
            server.create_folder(folder)
    if server.job_exists(name):
        server.reconfig_job(name, config_xml)
        return "updated"
    server.create_job(name, config_xml)
    return "created"


def disable_matching(server: jenkins.Jenkins, pattern: str) -> list[str]:
    """Disable every enabled job whose full name matches ``pattern``; returns their names."""
    disabled = []
    for job in server.get_all_jobs():
        is_folder = "jobs" in job
        if is_folder or job.get("color") == "disabled" or not re.search(pattern, job["fullname"]):
            continue
        server.disable_job(job["fullname"])
        disabled.append(job["fullname"])
    return disabled
