"""The README's test command runs the suite in parallel unless told otherwise."""

from atlas import bootstrap


def test_suite_runs_on_workers_one_file_each():
    args = bootstrap._parallel(["tests/read"])
    assert args[:2] == ["-n", args[1]] and 2 <= int(args[1]) <= 4
    assert args[2:] == ["--dist", "loadfile", "tests/read"]


def test_own_worker_choice_is_kept():
    assert bootstrap._parallel(["-p", "no:xdist", "-x"]) == ["-p", "no:xdist", "-x"]
    assert bootstrap._parallel(["-n", "1"]) == ["-n", "1"]
    assert bootstrap._parallel(["--numprocesses=3"]) == ["--numprocesses=3"]
