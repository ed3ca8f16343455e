"""The README's test command: the suite in parallel, then the timing tests alone."""

from atlas import bootstrap


def _runs(args, codes=(0, 0)):
    seen, codes = [], list(codes)

    def call(cmd, cwd):
        seen.append(cmd[3:])  # after `python -m pytest`
        return codes.pop(0)

    return bootstrap.run_pytest(args, call=call), seen


def test_parallel_pass_then_timing_tests_alone():
    rc, seen = _runs(["tests/read"])
    assert rc == 0 and len(seen) == 2
    first, second = seen
    assert first[0] == "-n" and 2 <= int(first[1]) <= 4
    assert first[2:] == ["--dist", "loadfile", "-m", "not timing", "tests/read"]
    assert second == ["-p", "no:xdist", "-m", "timing", "tests/read"]


def test_a_failure_in_either_pass_fails_the_run_and_no_tests_at_all_is_a_failure():
    assert _runs([], (1, 0))[0] == 1
    assert _runs([], (0, 1))[0] == 1
    assert _runs(["tests/read"], (0, bootstrap.NO_TESTS))[0] == 0  # no timing test there
    assert _runs(["x"], (bootstrap.NO_TESTS, bootstrap.NO_TESTS))[0] == bootstrap.NO_TESTS


def test_own_worker_or_marker_choice_runs_once_as_given():
    for args in (["-p", "no:xdist", "-x"], ["-n", "1"], ["--numprocesses=3"], ["-m", "browser"]):
        rc, seen = _runs(args)
        assert rc == 0 and seen == [args]
