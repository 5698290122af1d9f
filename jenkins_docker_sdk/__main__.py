"""``python -m jenkins_docker_sdk``: the same as ``jds``."""

import sys

from jenkins_docker_sdk.cli import main

sys.exit(main())
