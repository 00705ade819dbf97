"""``--distributed``'s environment: what is missing or wrong is named before JAX starts."""

import pytest

from revad.distributed.launch import initialize
from revad.errors import RevadError


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "needs REVAD_COORDINATOR=host:port, REVAD_NUM_PROCESSES and REVAD_PROCESS_ID"),
        ({"REVAD_COORDINATOR": "a:1"}, "REVAD_NUM_PROCESSES, REVAD_PROCESS_ID missing"),
        (
            {"REVAD_COORDINATOR": "a:1", "REVAD_NUM_PROCESSES": "two", "REVAD_PROCESS_ID": "0"},
            "must be integers",
        ),
        (
            {"REVAD_COORDINATOR": "a:1", "REVAD_NUM_PROCESSES": "2", "REVAD_PROCESS_ID": "2"},
            r"REVAD_PROCESS_ID=2 is not in 0..1",
        ),
    ],
)
def test_a_bad_job_description_is_refused(env, message):
    with pytest.raises(RevadError, match=message):
        initialize({"JAX_PLATFORMS": "cpu", **env})
