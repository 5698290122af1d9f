"""The masking filter and masked errors: no known secret, in any usual encoding, gets through."""

from __future__ import annotations

import base64
import logging
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jenkins_docker_sdk.credentials.masking import (
    MASK,
    MaskingFilter,
    Secret,
    SecretMasker,
    encoded_forms,
    install,
    mask_exception,
    masked_errors,
)
from jenkins_docker_sdk.errors import InputError, JenkinsError
from jenkins_docker_sdk.model import Location, Problem

secrets = st.text(min_size=4, max_size=40).filter(lambda s: s.strip() == s and len(set(s)) > 2)
surrounding = st.text(max_size=30)


def _forms(secret: str) -> list[str]:
    raw = secret.encode()
    return [
        secret,
        quote(secret, safe=""),
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode(),
    ]


@settings(max_examples=300, deadline=None)
@given(secret=secrets, before=surrounding, after=surrounding, which=st.integers(0, 3))
def test_a_secret_in_any_form_is_masked(secret: str, before: str, after: str, which: int) -> None:
    masker = SecretMasker()
    masker.add(secret)
    form = _forms(secret)[which]
    masked = masker.mask(before + form + after)
    assert form not in masked
    assert secret not in masked
    assert MASK in masked


@settings(max_examples=200, deadline=None)
@given(secret=secrets, user=st.text(alphabet="abcdefghij:", max_size=9))
def test_a_secret_inside_a_larger_base64_blob_is_masked(secret: str, user: str) -> None:
    """HTTP Basic auth encodes ``user:password`` together: the secret sits at any alignment."""
    masker = SecretMasker()
    masker.add(secret)
    blob = base64.b64encode(f"{user}:{secret}".encode()).decode()
    assert not any(len(form) >= 4 and form in masker.mask(blob) for form in encoded_forms(secret))
    assert masker.mask(blob) != blob


@settings(max_examples=200, deadline=None)
@given(secret=secrets, text=st.text(max_size=60))
def test_text_without_a_secret_is_unchanged(secret: str, text: str) -> None:
    masker = SecretMasker()
    masker.add(secret)
    if not any(form in text for form in encoded_forms(secret)):
        assert masker.mask(text) == text


@settings(max_examples=200, deadline=None)
@given(values=st.lists(secrets, min_size=1, max_size=4), text=st.text(max_size=40))
def test_masking_leaves_no_secret_even_when_replacements_meet(values: list[str], text: str) -> None:
    masker = SecretMasker()
    masker.update(values)
    masked = masker.mask(text.join(values) + "".join(values))
    assert not any(value in masked for value in values)


def test_short_values_are_not_masked() -> None:
    masker = SecretMasker()
    masker.add("abc")
    assert masker.mask("abc abc") == "abc abc"
    assert len(masker) == 0


def test_a_secret_shows_as_stars() -> None:
    secret = Secret("canary-Secret-1")
    assert repr(secret) == "Secret('****')"
    assert str(secret) == f"{secret}" == "****"
    assert "canary" not in repr([secret, {"k": secret}])
    assert secret.reveal() == "canary-Secret-1"


def test_the_filter_masks_message_arguments_and_traceback(caplog: pytest.LogCaptureFixture) -> None:
    masker = SecretMasker()
    masker.add("canary-Secret-2")
    logger = logging.getLogger("jenkins_docker_sdk.test_masking")
    masking = MaskingFilter(masker)
    logger.addFilter(masking)
    try:
        with caplog.at_level(logging.INFO, logger="jenkins_docker_sdk"):
            logger.info("value %s and %r", "canary-Secret-2", {"k": "canary-Secret-2"})
            try:
                raise ValueError("bad canary-Secret-2")
            except ValueError:
                logger.exception("failed with %s", base64.b64encode(b"canary-Secret-2").decode())
    finally:
        logger.removeFilter(masking)
    assert "canary-Secret-2" not in caplog.text
    assert base64.b64encode(b"canary-Secret-2").decode() not in caplog.text
    assert caplog.text.count("****") >= 4


def test_install_puts_the_filter_on_every_sdk_logger(caplog: pytest.LogCaptureFixture) -> None:
    import jenkins_docker_sdk.clients.jenkins  # noqa: F401  (its logger exists from now on)

    masker = SecretMasker()
    masker.add("canary-Secret-3")
    install(masker)
    try:
        with caplog.at_level(logging.INFO, logger="jenkins_docker_sdk"):
            logging.getLogger("jenkins_docker_sdk.clients.jenkins").warning("x canary-Secret-3 y")
            logging.getLogger("jenkins_docker_sdk").warning("canary-Secret-3")
        assert "canary-Secret-3" not in caplog.text
    finally:
        for name in ("jenkins_docker_sdk", "jenkins_docker_sdk.clients.jenkins"):
            logger = logging.getLogger(name)
            for f in [f for f in logger.filters if isinstance(f, MaskingFilter) and f.masker is masker]:
                logger.removeFilter(f)


def test_masked_errors_keep_their_type_and_lose_their_causes() -> None:
    masker = SecretMasker()
    masker.add("canary-Secret-4")

    def failing() -> None:
        try:
            raise OSError("socket said canary-Secret-4")
        except OSError as exc:
            raise JenkinsError(
                f"POST x: 500: {quote('canary-Secret-4')}", method="POST", url="http://j/?p=canary-Secret-4"
            ) from exc

    with pytest.raises(JenkinsError) as caught, masked_errors(masker):
        failing()
    assert "canary-Secret-4" not in str(caught.value)
    assert "canary-Secret-4" not in caught.value.url
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None


def test_masked_input_errors_keep_their_problems() -> None:
    masker = SecretMasker()
    masker.add("canary-Secret-5")
    error = InputError([Problem("value canary-Secret-5 is bad", Location("f.yml"), "not canary-Secret-5")])
    mask_exception(error, masker)
    assert "canary-Secret-5" not in str(error)
    assert "canary-Secret-5" not in repr(error.problems)
    assert str(error.problems[0].location) == "f.yml"


def test_errors_without_a_secret_pass_unchanged() -> None:
    masker = SecretMasker()
    masker.add("canary-Secret-6")
    original = ValueError("nothing here")

    def failing() -> None:
        try:
            raise KeyError("k")
        except KeyError:
            raise original from None

    with pytest.raises(ValueError, match="nothing here") as caught, masked_errors(masker):
        failing()
    assert caught.value is original


def test_the_cli_handler_masks_records_of_loggers_made_later(capsys: pytest.CaptureFixture[str]) -> None:
    from jenkins_docker_sdk.cli import main
    from jenkins_docker_sdk.credentials.masking import MASKER

    assert main(["schema", "farm"]) == 0  # sets the CLI's stderr handler up
    MASKER.add("canary-Secret-7")
    logging.getLogger(f"jenkins_docker_sdk.made_later_{id(capsys)}").warning("got canary-Secret-7")
    err = capsys.readouterr().err
    assert "got ****" in err
    assert "canary-Secret-7" not in err
