"""``python -m jenkins_docker_sdk``: the same as ``jds``."""

import sys

from jenkins_docker_sdk.cli import main

if __name__ == "__main__":  # spawned worker processes import this module too
    sys.exit(main())
